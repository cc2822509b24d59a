CREATE TYPE "public"."application_source" AS ENUM('station', 'chat', 'mini_program', 'fair');--> statement-breakpoint
CREATE TYPE "public"."application_status" AS ENUM('applied', 'interview', 'hired', 'rejected', 'no_show', 'withdrawn', 'accepted', 'checked_in', 'completed');--> statement-breakpoint
CREATE TYPE "public"."employer_kind" AS ENUM('enterprise', 'workshop', 'work_relief_contractor', 'village_committee', 'hr_agency', 'labour_broker', 'labour_cooperative');--> statement-breakpoint
CREATE TYPE "public"."enrolment_status" AS ENUM('enrolled', 'cancelled', 'completed');--> statement-breakpoint
CREATE TYPE "public"."pay_unit" AS ENUM('hour', 'day', 'month', 'piece');--> statement-breakpoint
CREATE TYPE "public"."training_kind" AS ENUM('order', 'targeted', 'post_specific', 'pre_employment', 'apprenticeship', 'pre_job', 'upskilling');--> statement-breakpoint
CREATE TYPE "public"."training_status" AS ENUM('open', 'closed', 'cancelled');--> statement-breakpoint
CREATE TYPE "public"."vacancy_kind" AS ENUM('regular', 'seasonal', 'gig', 'public_welfare', 'work_relief', 'workshop');--> statement-breakpoint
CREATE TYPE "public"."vacancy_status" AS ENUM('draft', 'open', 'filled', 'closed', 'expired');--> statement-breakpoint
CREATE TYPE "public"."wage_case_status" AS ENUM('open', 'resolved');--> statement-breakpoint
CREATE TABLE "applications" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"vacancy_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"status" "application_status" DEFAULT 'applied' NOT NULL,
	"source" "application_source" NOT NULL,
	"holds_place" boolean DEFAULT false NOT NULL,
	"paid" boolean,
	"wage_due_at" timestamp with time zone,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	"history" jsonb DEFAULT '[]'::jsonb NOT NULL
);
--> statement-breakpoint
CREATE TABLE "employers" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"name" text NOT NULL,
	"kind" "employer_kind" NOT NULL,
	"credit_code" text,
	"region_code" text NOT NULL,
	"address" text,
	"lat" double precision,
	"lng" double precision,
	"contact_name" text,
	"contact_phone_enc" text,
	"contact_phone_masked" text,
	"workshop_tier" text,
	"verified_at" timestamp with time zone,
	"verified_by" uuid,
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "enrolments" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"session_id" uuid NOT NULL,
	"worker_id" uuid NOT NULL,
	"status" "enrolment_status" DEFAULT 'enrolled' NOT NULL,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL
);
--> statement-breakpoint
CREATE TABLE "training_sessions" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"kind" "training_kind" NOT NULL,
	"title" text NOT NULL,
	"provider" text NOT NULL,
	"region_code" text NOT NULL,
	"place" text,
	"lat" double precision,
	"lng" double precision,
	"start_date" date NOT NULL,
	"end_date" date NOT NULL,
	"capacity" integer NOT NULL,
	"enrolled" integer DEFAULT 0 NOT NULL,
	"skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"training_subsidy_fen" integer DEFAULT 0 NOT NULL,
	"living_allowance_fen" integer DEFAULT 0 NOT NULL,
	"vacancy_ids" uuid[] DEFAULT '{}'::uuid[] NOT NULL,
	"status" "training_status" DEFAULT 'open' NOT NULL,
	"search" "tsvector",
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "training_capacity" CHECK ("training_sessions"."capacity" > 0 and "training_sessions"."enrolled" >= 0 and "training_sessions"."enrolled" <= "training_sessions"."capacity"),
	CONSTRAINT "training_dates" CHECK ("training_sessions"."end_date" >= "training_sessions"."start_date")
);
--> statement-breakpoint
CREATE TABLE "vacancies" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"employer_id" uuid NOT NULL,
	"kind" "vacancy_kind" NOT NULL,
	"title" text NOT NULL,
	"description" text DEFAULT '' NOT NULL,
	"requirements" text DEFAULT '' NOT NULL,
	"region_code" text NOT NULL,
	"address" text,
	"lat" double precision,
	"lng" double precision,
	"pay_min_fen" integer NOT NULL,
	"pay_max_fen" integer NOT NULL,
	"pay_unit" "pay_unit" NOT NULL,
	"required_skills" text[] DEFAULT '{}'::text[] NOT NULL,
	"hours" text,
	"headcount" integer NOT NULL,
	"filled" integer DEFAULT 0 NOT NULL,
	"status" "vacancy_status" DEFAULT 'draft' NOT NULL,
	"expires_at" timestamp with time zone NOT NULL,
	"details" jsonb DEFAULT '{}'::jsonb NOT NULL,
	"search" "tsvector",
	"created_by" uuid,
	"created_at" timestamp with time zone DEFAULT now() NOT NULL,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "vacancies_headcount" CHECK ("vacancies"."headcount" > 0 and "vacancies"."filled" >= 0 and "vacancies"."filled" <= "vacancies"."headcount"),
	CONSTRAINT "vacancies_pay" CHECK ("vacancies"."pay_min_fen" >= 0 and "vacancies"."pay_max_fen" >= "vacancies"."pay_min_fen")
);
--> statement-breakpoint
CREATE TABLE "wage_cases" (
	"id" uuid PRIMARY KEY DEFAULT gen_random_uuid() NOT NULL,
	"application_id" uuid,
	"worker_id" uuid NOT NULL,
	"employer_id" uuid,
	"region_code" text NOT NULL,
	"amount_fen" integer,
	"reason" text NOT NULL,
	"status" "wage_case_status" DEFAULT 'open' NOT NULL,
	"opened_at" timestamp with time zone DEFAULT now() NOT NULL,
	"resolved_at" timestamp with time zone,
	"note" text
);
--> statement-breakpoint
ALTER TABLE "workers" ADD COLUMN "pay_floor_fen" integer;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_vacancy_id_vacancies_id_fk" FOREIGN KEY ("vacancy_id") REFERENCES "public"."vacancies"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "applications" ADD CONSTRAINT "applications_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employers" ADD CONSTRAINT "employers_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employers" ADD CONSTRAINT "employers_verified_by_accounts_id_fk" FOREIGN KEY ("verified_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "employers" ADD CONSTRAINT "employers_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_session_id_training_sessions_id_fk" FOREIGN KEY ("session_id") REFERENCES "public"."training_sessions"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "training_sessions" ADD CONSTRAINT "training_sessions_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vacancies" ADD CONSTRAINT "vacancies_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vacancies" ADD CONSTRAINT "vacancies_region_code_regions_code_fk" FOREIGN KEY ("region_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "vacancies" ADD CONSTRAINT "vacancies_created_by_accounts_id_fk" FOREIGN KEY ("created_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wage_cases" ADD CONSTRAINT "wage_cases_application_id_applications_id_fk" FOREIGN KEY ("application_id") REFERENCES "public"."applications"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wage_cases" ADD CONSTRAINT "wage_cases_worker_id_workers_id_fk" FOREIGN KEY ("worker_id") REFERENCES "public"."workers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "wage_cases" ADD CONSTRAINT "wage_cases_employer_id_employers_id_fk" FOREIGN KEY ("employer_id") REFERENCES "public"."employers"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
CREATE UNIQUE INDEX "applications_unique_idx" ON "applications" USING btree ("vacancy_id","worker_id");--> statement-breakpoint
CREATE INDEX "applications_worker_idx" ON "applications" USING btree ("worker_id");--> statement-breakpoint
CREATE INDEX "employers_region_idx" ON "employers" USING btree ("region_code" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "employers_credit_code_idx" ON "employers" USING btree ("credit_code");--> statement-breakpoint
CREATE UNIQUE INDEX "enrolments_unique_idx" ON "enrolments" USING btree ("session_id","worker_id");--> statement-breakpoint
CREATE INDEX "enrolments_worker_idx" ON "enrolments" USING btree ("worker_id");--> statement-breakpoint
CREATE INDEX "training_sessions_region_idx" ON "training_sessions" USING btree ("status","region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "training_sessions_search_idx" ON "training_sessions" USING gin ("search");--> statement-breakpoint
CREATE INDEX "vacancies_open_region_idx" ON "vacancies" USING btree ("status","region_code" text_pattern_ops);--> statement-breakpoint
CREATE INDEX "vacancies_open_geo_idx" ON "vacancies" USING btree ("status","lat","lng");--> statement-breakpoint
CREATE INDEX "vacancies_employer_idx" ON "vacancies" USING btree ("employer_id");--> statement-breakpoint
CREATE INDEX "vacancies_search_idx" ON "vacancies" USING gin ("search");--> statement-breakpoint
CREATE INDEX "wage_cases_region_idx" ON "wage_cases" USING btree ("status","region_code" text_pattern_ops);--> statement-breakpoint
CREATE UNIQUE INDEX "wage_cases_application_idx" ON "wage_cases" USING btree ("application_id");