ALTER TYPE "public"."delivery_status" ADD VALUE 'unknown';--> statement-breakpoint
CREATE TABLE "outbox" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"queue" text NOT NULL,
	"job" text NOT NULL,
	"payload" jsonb NOT NULL,
	"job_id" text,
	"run_at" timestamp with time zone NOT NULL,
	"published_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "provider_reports" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"channel" "channel_kind" NOT NULL,
	"address" text,
	"ref" text,
	"delivered" boolean NOT NULL,
	"code" text,
	"reported_at" timestamp with time zone NOT NULL,
	"delivery_id" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "provider_ref" text;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "not_before" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "doubt_since" timestamp with time zone;--> statement-breakpoint
ALTER TABLE "provider_reports" ADD CONSTRAINT "provider_reports_delivery_id_deliveries_id_fk" FOREIGN KEY ("delivery_id") REFERENCES "public"."deliveries"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "outbox_unpublished_idx" ON "outbox" USING btree ("created_at") WHERE "outbox"."published_at" is null;--> statement-breakpoint
CREATE INDEX "provider_reports_open_idx" ON "provider_reports" USING btree ("channel","address") WHERE "provider_reports"."delivery_id" is null;--> statement-breakpoint
CREATE INDEX "provider_reports_ref_idx" ON "provider_reports" USING btree ("channel","ref");--> statement-breakpoint
CREATE INDEX "deliveries_doubt_idx" ON "deliveries" USING btree ("doubt_since") WHERE "deliveries"."doubt_since" is not null;