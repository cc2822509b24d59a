CREATE TYPE "public"."broadcast_status" AS ENUM('scheduled', 'fanning_out', 'sending', 'done', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."channel_kind" AS ENUM('chat', 'mini_program', 'log');--> statement-breakpoint
CREATE TYPE "public"."delivery_status" AS ENUM('queued', 'sending', 'sent', 'deferred', 'failed', 'skipped');--> statement-breakpoint
CREATE TABLE "broadcasts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"region_code" text NOT NULL,
	"created_by" uuid,
	"topic" text,
	"audience" jsonb NOT NULL,
	"message" jsonb NOT NULL,
	"variables" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"send_at" timestamp with time zone NOT NULL,
	"status" "broadcast_status" DEFAULT 'scheduled' NOT NULL,
	"cursor" uuid,
	"total" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"cancelled_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "deliveries" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"broadcast_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"channel" "channel_kind" NOT NULL,
	"status" "delivery_status" DEFAULT 'queued' NOT NULL,
	"reason" text,
	"attempts" integer DEFAULT 0 NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"sent_at" timestamp with time zone
);
--> statement-breakpoint
CREATE TABLE "subscriptions" (
	"worker_id" uuid PRIMARY KEY NOT NULL,
	"topics" text[] DEFAULT '{}'::text[] NOT NULL,
	"region_codes" text[] DEFAULT '{}'::text[] NOT NULL,
	"radius_km" integer DEFAULT 5 NOT NULL,
	"quiet_start" smallint DEFAULT 1260 NOT NULL,
	"quiet_end" smallint DEFAULT 480 NOT NULL,
	"daily_cap" smallint DEFAULT 5 NOT NULL,
	"channel" "channel_kind" DEFAULT 'chat' NOT NULL,
	"fallback_channel" "channel_kind",
	"unsubscribed_all" boolean DEFAULT false NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "broadcasts" ADD CONSTRAINT "broadcasts_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD CONSTRAINT "subscriptions_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "broadcasts_region_idx" ON "broadcasts" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_once_idx" ON "deliveries" USING btree ("broadcast_id","worker_id");--> statement-breakpoint
CREATE INDEX "deliveries_status_idx" ON "deliveries" USING btree ("broadcast_id","status");--> statement-breakpoint
CREATE INDEX "deliveries_worker_sent_idx" ON "deliveries" USING btree ("worker_id","sent_at");