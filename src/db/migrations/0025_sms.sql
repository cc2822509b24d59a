ALTER TYPE "public"."channel_kind" ADD VALUE 'sms';--> statement-breakpoint
ALTER TABLE "subscriptions" ADD COLUMN "sms_opt_out" boolean DEFAULT false NOT NULL;