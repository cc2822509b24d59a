ALTER TABLE "deliveries" DROP CONSTRAINT "deliveries_one_source";--> statement-breakpoint
ALTER TABLE "deliveries" ALTER COLUMN "worker_id" DROP NOT NULL;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "contact_phone_enc" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "contact_phone_hash" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "contact_phone_masked" text;--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "push_opt_out" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "staff_notice_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "account_id" uuid;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_staff_notice_id_staff_notices_id_fk" FOREIGN KEY ("staff_notice_id") REFERENCES "public"."staff_notices"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_account_id_accounts_id_fk" FOREIGN KEY ("account_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "accounts_contact_phone_idx" ON "accounts" USING btree ("contact_phone_hash") WHERE "accounts"."contact_phone_hash" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_staff_notice_idx" ON "deliveries" USING btree ("staff_notice_id","account_id");--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_one_recipient" CHECK (num_nonnulls("deliveries"."worker_id", "deliveries"."account_id") = 1);--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_staff_source" CHECK (("deliveries"."account_id" is null) = ("deliveries"."staff_notice_id" is null));--> statement-breakpoint
ALTER TABLE "deliveries" ADD CONSTRAINT "deliveries_one_source" CHECK (num_nonnulls("deliveries"."broadcast_id", "deliveries"."step_id", "deliveries"."notice_id", "deliveries"."digest_id", "deliveries"."staff_notice_id") = 1);