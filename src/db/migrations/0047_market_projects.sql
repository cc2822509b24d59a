CREATE TABLE "market_projects" (
	"id" uuid PRIMARY KEY NOT NULL,
	"kind" text NOT NULL,
	"region_code" text NOT NULL
);
--> statement-breakpoint
INSERT INTO "market_projects" ("id", "kind", "region_code") SELECT "id", "kind"::text, "region_code" FROM "assistance_projects";
