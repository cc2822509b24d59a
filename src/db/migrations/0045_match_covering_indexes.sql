-- Matching reads the people who can be put forward (active, consenting, able to work) and the open posts from
-- indexes that hold every column it scores, so a county's or a circle's rows come from the index alone instead of
-- from a million scattered table rows. Built-in GiST on point (no extension), so the embedded database runs the same.
CREATE INDEX IF NOT EXISTS "workers_match_region_idx" ON "workers" ("region_code" text_pattern_ops)
  INCLUDE ("id", "name", "home_lat", "home_lng", "skills", "labor_capacity", "pay_floor_fen", "intention", "employed", "household_id")
  WHERE "status" = 'active' AND "consent" AND "labor_capacity" <> 'none';
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "workers_match_home_idx" ON "workers" USING gist (point("home_lng", "home_lat"))
  INCLUDE ("region_code", "id", "name", "home_lat", "home_lng", "skills", "labor_capacity", "pay_floor_fen", "intention", "employed", "household_id")
  WHERE "status" = 'active' AND "consent" AND "labor_capacity" <> 'none' AND "home_lat" IS NOT NULL;
--> statement-breakpoint
CREATE INDEX IF NOT EXISTS "vacancies_open_point_idx" ON "vacancies" USING gist (point("lng", "lat"))
  INCLUDE ("id", "title", "kind", "region_code", "lat", "lng", "required_skills", "pay_min_fen", "pay_max_fen", "pay_unit", "expires_at")
  WHERE "status" = 'open' AND "lat" IS NOT NULL;
