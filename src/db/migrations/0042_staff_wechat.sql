ALTER TABLE "accounts" ADD COLUMN "chat_contact" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "chat_sending_account_id" uuid;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "chat_bound_at" timestamp with time zone;--> statement-breakpoint
CREATE UNIQUE INDEX "accounts_chat_contact_idx" ON "accounts" USING btree ("chat_contact") WHERE "accounts"."chat_contact" is not null;