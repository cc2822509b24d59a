ALTER TYPE "public"."channel_kind" ADD VALUE 'official_account';--> statement-breakpoint
ALTER TYPE "public"."identity_kind" ADD VALUE 'oa_openid';--> statement-breakpoint
ALTER TABLE "identities" ADD COLUMN "last_inbound_at" timestamp with time zone;