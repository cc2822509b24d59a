CREATE TABLE "digest_items" (
	"worker_id" uuid NOT NULL,
	"broadcast_id" uuid NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"digest_id" uuid,
	CONSTRAINT "digest_items_worker_id_broadcast_id_pk" PRIMARY KEY("worker_id","broadcast_id")
);
--> statement-breakpoint
CREATE TABLE "digests" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid NOT NULL,
	"due_at" timestamp with time zone NOT NULL,
	"items" jsonb NOT NULL,
	"more" integer DEFAULT 0 NOT NULL,
	"text" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_one_source";--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "subject" jsonb;--> statement-breakpoint
ALTER TABLE "broadcasts" ADD COLUMN "urgent" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "digest_id" uuid;--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "digest_at" smallint DEFAULT 510;--> statement-breakpoint
ALTER TABLE "digest_items" ADD CONSTRAINT "digest_items_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_items" ADD CONSTRAINT "digest_items_broadcast_id_broadcasts_id_fk" FOREIGN KEY ("broadcast_id") REFERENCES "public"."broadcasts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digest_items" ADD CONSTRAINT "digest_items_digest_id_digests_id_fk" FOREIGN KEY ("digest_id") REFERENCES "public"."digests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "digests" ADD CONSTRAINT "digests_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "digest_items_waiting_idx" ON "digest_items" USING btree ("worker_id","created_at") WHERE "digest_items"."digest_id" is null;--> statement-breakpoint
CREATE UNIQUE INDEX "digests_window_idx" ON "digests" USING btree ("worker_id","due_at");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_digest_id_digests_id_fk" FOREIGN KEY ("digest_id") REFERENCES "public"."digests"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_digest_idx" ON "deliveries" USING btree ("digest_id");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_one_source" CHECK (num_nonnulls("deliveries"."broadcast_id", "deliveries"."step_id", "deliveries"."notice_id", "deliveries"."digest_id") = 1);