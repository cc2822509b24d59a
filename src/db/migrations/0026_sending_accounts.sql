CREATE TYPE "public"."account_door" AS ENUM('personal', 'wecom', 'official_account');--> statement-breakpoint
CREATE TYPE "public"."account_status" AS ENUM('offline', 'online', 'blocked', 'disabled');--> statement-breakpoint
CREATE TABLE "sending_accounts" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"region_code" text NOT NULL,
	"station_id" uuid,
	"door" "account_door" DEFAULT 'personal' NOT NULL,
	"puppet" text NOT NULL,
	"puppet_token_enc" text,
	"daily_ceiling" integer DEFAULT 500 NOT NULL,
	"status" "account_status" DEFAULT 'offline' NOT NULL,
	"status_reason" text,
	"status_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "sending_accounts_ceiling" CHECK ("sending_accounts"."daily_ceiling" >= 0)
);
--> statement-breakpoint
DROP INDEX "identities_value_idx";--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "sending_accounts" ADD CONSTRAINT "sending_accounts_station_id_stations_id_fk" FOREIGN KEY ("station_id") REFERENCES "public"."stations"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "sending_accounts_name_idx" ON "sending_accounts" USING btree ("name");--> statement-breakpoint
CREATE INDEX "sending_accounts_region_idx" ON "sending_accounts" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_account_id_sending_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."sending_accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_value_idx" UNIQUE NULLS NOT DISTINCT("kind","value","account_id");