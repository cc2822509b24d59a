CREATE TABLE "monitoring_snapshots" (
	"month" text NOT NULL,
	"region_code" text NOT NULL,
	"category" text NOT NULL,
	"figures" jsonb NOT NULL,
	"closed_at" timestamp with time zone DEFAULT now() NOT NULL,
	CONSTRAINT "monitoring_snapshots_month_region_code_category_pk" PRIMARY KEY("month","region_code","category")
);
--> statement-breakpoint
-- A closed month is final: its figures are never changed or removed (corrections show in a later month).
CREATE FUNCTION monitoring_snapshots_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'monitoring_snapshots are final (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER monitoring_snapshots_no_update_delete BEFORE UPDATE OR DELETE ON monitoring_snapshots FOR EACH ROW EXECUTE FUNCTION monitoring_snapshots_final();
