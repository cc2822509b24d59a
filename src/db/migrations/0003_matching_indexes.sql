CREATE INDEX "workers_home_idx" ON "workers" USING btree ("home_lat","home_lng");--> statement-breakpoint
CREATE INDEX "workers_skills_idx" ON "workers" USING gin ("skills");