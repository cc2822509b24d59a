CREATE TYPE "public"."plan_action_kind" AS ENUM('guidance', 'referral', 'training', 'public_welfare', 'other');--> statement-breakpoint
CREATE TYPE "public"."plan_action_status" AS ENUM('open', 'done', 'dropped');--> statement-breakpoint
CREATE TABLE "rain_dew_actions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid NOT NULL,
	"kind" "plan_action_kind" NOT NULL,
	"description" text NOT NULL,
	"owner_id" uuid,
	"due_on" date NOT NULL,
	"status" "plan_action_status" DEFAULT 'open' NOT NULL,
	"outcome" text,
	"closed_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rain_dew_plans" (
	"worker_id" uuid PRIMARY KEY NOT NULL,
	"goal" text NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rain_dew_actions" ADD CONSTRAINT "rain_dew_actions_worker_id_rain_dew_files_worker_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."rain_dew_files"("worker_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_actions" ADD CONSTRAINT "rain_dew_actions_owner_id_accounts_id_fk" FOREIGN KEY ("owner_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_plans" ADD CONSTRAINT "rain_dew_plans_worker_id_rain_dew_files_worker_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."rain_dew_files"("worker_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_plans" ADD CONSTRAINT "rain_dew_plans_updated_by_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rain_dew_actions_worker_idx" ON "rain_dew_actions" USING btree ("worker_id","status");