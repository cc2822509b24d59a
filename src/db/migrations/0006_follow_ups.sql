CREATE TYPE "public"."follow_up_status" AS ENUM('active', 'completed', 'stopped');--> statement-breakpoint
CREATE TYPE "public"."follow_up_step_status" AS ENUM('pending', 'fired', 'skipped', 'cancelled');--> statement-breakpoint
CREATE TABLE "follow_up_steps" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"follow_up_id" uuid NOT NULL,
	"step" text NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"status" "follow_up_step_status" DEFAULT 'pending' NOT NULL,
	"reason" text,
	"fired_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "follow_ups" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"sequence" text NOT NULL,
	"worker_id" uuid NOT NULL,
	"region_code" text NOT NULL,
	"subject" text DEFAULT '' NOT NULL,
	"anchor_date" text NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"status" "follow_up_status" DEFAULT 'active' NOT NULL,
	"stop_reason" text,
	"replied_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "broadcast_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "step_id" uuid;--> statement-breakpoint
ALTER TABLE "follow_up_steps" ADD CONSTRAINT "follow_up_steps_follow_up_id_follow_ups_id_fk" FOREIGN KEY ("follow_up_id") REFERENCES "public"."follow_ups"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "follow_ups" ADD CONSTRAINT "follow_ups_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "follow_up_steps_once_idx" ON "follow_up_steps" USING btree ("follow_up_id","step");--> statement-breakpoint
CREATE INDEX "follow_up_steps_due_idx" ON "follow_up_steps" USING btree ("due_at") WHERE "follow_up_steps"."status" = 'pending';--> statement-breakpoint
CREATE UNIQUE INDEX "follow_ups_active_idx" ON "follow_ups" USING btree ("sequence","worker_id","subject") WHERE "follow_ups"."status" = 'active';--> statement-breakpoint
CREATE INDEX "follow_ups_worker_idx" ON "follow_ups" USING btree ("worker_id","status");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_step_id_follow_up_steps_id_fk" FOREIGN KEY ("step_id") REFERENCES "public"."follow_up_steps"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_step_idx" ON "deliveries" USING btree ("step_id");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_one_source" CHECK (("deliveries"."broadcast_id" is null) <> ("deliveries"."step_id" is null));