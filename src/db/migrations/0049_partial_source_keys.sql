DROP INDEX "deliveries_step_idx";--> statement-breakpoint
DROP INDEX "deliveries_notice_idx";--> statement-breakpoint
DROP INDEX "deliveries_digest_idx";--> statement-breakpoint
DROP INDEX "deliveries_staff_notice_idx";--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_step_idx" ON "deliveries" USING btree ("step_id") WHERE "deliveries"."step_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_notice_idx" ON "deliveries" USING btree ("notice_id") WHERE "deliveries"."notice_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_digest_idx" ON "deliveries" USING btree ("digest_id") WHERE "deliveries"."digest_id" is not null;--> statement-breakpoint
CREATE UNIQUE INDEX "deliveries_staff_notice_idx" ON "deliveries" USING btree ("staff_notice_id","account_id") WHERE "deliveries"."staff_notice_id" is not null;