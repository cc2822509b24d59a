CREATE TABLE "report_deadlines" (
	"key" text PRIMARY KEY NOT NULL,
	"title" jsonb NOT NULL,
	"form" text,
	"months" smallint[] NOT NULL,
	"day" smallint NOT NULL,
	"covers" text NOT NULL,
	"reporter_level" smallint NOT NULL,
	"remind_days" smallint DEFAULT 3 NOT NULL,
	"source" text NOT NULL,
	"active" boolean DEFAULT true NOT NULL,
	"updated_by" uuid,
	"updated_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_deadlines_day" CHECK ("report_deadlines"."day" between 1 and 28),
	CONSTRAINT "report_deadlines_covers" CHECK ("report_deadlines"."covers" in ('month', 'quarter', 'year', 'previous_half')),
	CONSTRAINT "report_deadlines_level" CHECK ("report_deadlines"."reporter_level" between 1 and 5),
	CONSTRAINT "report_deadlines_remind" CHECK ("report_deadlines"."remind_days" between 0 and 60)
);
--> statement-breakpoint
CREATE TABLE "report_submissions" (
	"deadline_key" text NOT NULL,
	"region_code" text NOT NULL,
	"period" text NOT NULL,
	"via" text NOT NULL,
	"submitted_by" uuid,
	"submitted_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "report_submissions_deadline_key_region_code_period_pk" PRIMARY KEY("deadline_key","region_code","period"),
	CONSTRAINT "report_submissions_via" CHECK ("report_submissions"."via" in ('download', 'marked'))
);
--> statement-breakpoint
ALTER TABLE "report_deadlines" ADD CONSTRAINT "report_deadlines_updated_by_accounts_id_fk" FOREIGN KEY ("updated_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_submissions" ADD CONSTRAINT "report_submissions_deadline_key_report_deadlines_key_fk" FOREIGN KEY ("deadline_key") REFERENCES "public"."report_deadlines"("key") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "report_submissions" ADD CONSTRAINT "report_submissions_submitted_by_accounts_id_fk" FOREIGN KEY ("submitted_by") REFERENCES "public"."accounts"("id") ON DELETE no action ON UPDATE no action;