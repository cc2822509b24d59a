CREATE TABLE "public_welfare_terms" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"record_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"starts_on" date NOT NULL,
	"ends_on" date NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "public_welfare_terms_one_year" CHECK ("public_welfare_terms"."ends_on" >= "public_welfare_terms"."starts_on" and "public_welfare_terms"."ends_on" < "public_welfare_terms"."starts_on" + interval '1 year')
);
--> statement-breakpoint
ALTER TABLE "employment_records" ADD COLUMN "part_time" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "employment_records" ADD COLUMN "exit_reason" text;--> statement-breakpoint
ALTER TABLE "public_welfare_terms" ADD CONSTRAINT "public_welfare_terms_record_id_employment_records_id_fk" FOREIGN KEY ("record_id") REFERENCES "public"."employment_records"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "public_welfare_terms" ADD CONSTRAINT "public_welfare_terms_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "public_welfare_terms" ADD CONSTRAINT "public_welfare_terms_recorded_by_accounts_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "public_welfare_terms_start_idx" ON "public_welfare_terms" USING btree ("record_id","starts_on");--> statement-breakpoint
CREATE INDEX "public_welfare_terms_ends_idx" ON "public_welfare_terms" USING btree ("ends_on");