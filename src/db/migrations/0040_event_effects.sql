CREATE TABLE "event_effects" (
	"event_id" uuid NOT NULL,
	"subscriber" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "event_effects_event_id_subscriber_pk" PRIMARY KEY("event_id","subscriber")
);
--> statement-breakpoint
CREATE INDEX "event_effects_created_idx" ON "event_effects" USING btree ("created_at");