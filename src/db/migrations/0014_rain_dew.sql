CREATE TYPE "public"."rain_dew_status" AS ENUM('studying', 'graduated', 'employed', 'seeking', 'further_study', 'enlisted', 'other');--> statement-breakpoint
CREATE TYPE "public"."school_level" AS ENUM('secondary_vocational', 'higher_vocational', 'technician', 'other');--> statement-breakpoint
CREATE TABLE "rain_dew_events" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid NOT NULL,
	"kind" text NOT NULL,
	"channel" text,
	"outcome" text,
	"from_status" text,
	"to_status" text,
	"by" uuid,
	"at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rain_dew_files" (
	"worker_id" uuid PRIMARY KEY NOT NULL,
	"region_code" text NOT NULL,
	"school" text NOT NULL,
	"major" text NOT NULL,
	"level" "school_level" NOT NULL,
	"enrolled_on" date NOT NULL,
	"expected_graduation" date NOT NULL,
	"graduated_on" date,
	"status" "rain_dew_status" DEFAULT 'studying' NOT NULL,
	"case_worker_id" uuid,
	"last_contact_at" timestamp with time zone,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rain_dew_subsidies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"worker_id" uuid NOT NULL,
	"term" text NOT NULL,
	"amount_fen" integer NOT NULL,
	"paid_on" date NOT NULL,
	"recorded_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
ALTER TABLE "rain_dew_events" ADD CONSTRAINT "rain_dew_events_worker_id_rain_dew_files_worker_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."rain_dew_files"("worker_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_events" ADD CONSTRAINT "rain_dew_events_by_accounts_id_fk" FOREIGN KEY ("by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_files" ADD CONSTRAINT "rain_dew_files_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_files" ADD CONSTRAINT "rain_dew_files_case_worker_id_accounts_id_fk" FOREIGN KEY ("case_worker_id") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_subsidies" ADD CONSTRAINT "rain_dew_subsidies_worker_id_rain_dew_files_worker_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."rain_dew_files"("worker_id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "rain_dew_subsidies" ADD CONSTRAINT "rain_dew_subsidies_recorded_by_accounts_id_fk" FOREIGN KEY ("recorded_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "rain_dew_events_worker_idx" ON "rain_dew_events" USING btree ("worker_id","at");--> statement-breakpoint
CREATE INDEX "rain_dew_region_idx" ON "rain_dew_files" USING btree ("region_code" text_pattern_ops,"status");--> statement-breakpoint
CREATE INDEX "rain_dew_subsidies_worker_idx" ON "rain_dew_subsidies" USING btree ("worker_id");