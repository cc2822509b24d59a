CREATE TYPE "public"."help_request_status" AS ENUM('open', 'closed');--> statement-breakpoint
CREATE TABLE "help_requests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid,
	"region_code" text NOT NULL,
	"door" text DEFAULT 'wechat' NOT NULL,
	"contact" text NOT NULL,
	"context" jsonb DEFAULT '[]'::jsonb NOT NULL,
	"status" "help_request_status" DEFAULT 'open' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"closed_at" timestamp with time zone,
	"closed_by" uuid,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "wage_cases" ADD COLUMN "description" text;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "help_requests" ADD CONSTRAINT "help_requests_closed_by_accounts_id_fk" FOREIGN KEY ("closed_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "help_requests_region_idx" ON "help_requests" USING btree ("status","region_code" text_pattern_ops);