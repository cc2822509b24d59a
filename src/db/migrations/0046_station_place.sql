ALTER TABLE "stations" ADD COLUMN "village_code" text;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "lat" double precision;--> statement-breakpoint
ALTER TABLE "stations" ADD COLUMN "lng" double precision;--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_village_code_regions_code_fk" FOREIGN KEY ("village_code") REFERENCES "public"."regions"("code") ON DELETE no action ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "stations" ADD CONSTRAINT "stations_point_pair" CHECK (("stations"."lat" is null) = ("stations"."lng" is null));