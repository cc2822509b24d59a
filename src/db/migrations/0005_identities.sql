CREATE TYPE "public"."identity_kind" AS ENUM('wechat_contact', 'mp_openid', 'wechat_unionid');--> statement-breakpoint
CREATE TABLE "identities" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid NOT NULL,
	"kind" "identity_kind" NOT NULL,
	"value" text NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "identities" ADD CONSTRAINT "identities_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "identities_value_idx" ON "identities" USING btree ("kind","value");--> statement-breakpoint
CREATE INDEX "identities_worker_idx" ON "identities" USING btree ("worker_id","kind");