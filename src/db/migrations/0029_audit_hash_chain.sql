CREATE TABLE "audit_chain" (
	"id" boolean PRIMARY KEY DEFAULT true NOT NULL,
	"seq" bigint NOT NULL,
	"hash" text NOT NULL,
	CONSTRAINT "audit_chain_one_row" CHECK ("audit_chain"."id")
);
--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "seq" bigint;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "prev_hash" text;--> statement-breakpoint
ALTER TABLE "audit_log" ADD COLUMN "hash" text;--> statement-breakpoint
CREATE UNIQUE INDEX "audit_seq_idx" ON "audit_log" USING btree ("seq");--> statement-breakpoint
-- Each audit entry is linked to the one before it: hash = sha256 over the previous entry's hash and this
-- entry's canonical content, so a changed or removed entry shows when the chain is walked
-- (npm run audit:verify, src/audit/verify.ts, which recomputes the same bytes on its own).
-- A field is "<bytes in UTF-8>:<text>;" or "~;" when null; the fields in order: prev_hash, seq, id,
-- at (UTC, microseconds), actor_id, action, entity, entity_id, region_code, request_id, ip, details (jsonb text).
CREATE FUNCTION audit_log_field(v text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
  SELECT coalesce(octet_length(convert_to(v, 'UTF8'))::text || ':' || v, '~') || ';'
$$;--> statement-breakpoint
CREATE FUNCTION audit_log_hash(e audit_log) RETURNS text LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
  SELECT encode(sha256(convert_to(
    audit_log_field(e.prev_hash) || audit_log_field(e.seq::text) || audit_log_field(e.id::text)
    || audit_log_field(to_char(e.at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'))
    || audit_log_field(e.actor_id::text) || audit_log_field(e.action) || audit_log_field(e.entity)
    || audit_log_field(e.entity_id) || audit_log_field(e.region_code) || audit_log_field(e.request_id)
    || audit_log_field(e.ip) || audit_log_field(e.details::text), 'UTF8')), 'hex')
$$;--> statement-breakpoint
-- Entries written before the chain existed are chained once, in the order of their ids.
ALTER TABLE "audit_log" DISABLE TRIGGER audit_log_no_update_delete;--> statement-breakpoint
DO $$
DECLARE
  r audit_log%ROWTYPE;
  n bigint := 0;
  prev text := repeat('0', 64);
BEGIN
  FOR r IN SELECT * FROM audit_log ORDER BY id LOOP
    n := n + 1;
    r.seq := n;
    r.prev_hash := prev;
    r.hash := audit_log_hash(r);
    UPDATE audit_log SET seq = r.seq, prev_hash = r.prev_hash, hash = r.hash WHERE id = r.id;
    prev := r.hash;
  END LOOP;
  INSERT INTO audit_chain (id, seq, hash) VALUES (true, n, prev);
END
$$;--> statement-breakpoint
ALTER TABLE "audit_log" ENABLE TRIGGER audit_log_no_update_delete;--> statement-breakpoint
-- Every new entry takes the head row's lock until its transaction ends, so concurrent writers form one
-- chain in commit order. The function runs as the table owner: the service's role needs no rights on
-- audit_chain, and whatever a caller passes for seq, prev_hash and hash is replaced.
CREATE FUNCTION audit_log_chain() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
DECLARE
  head_seq bigint;
  head_hash text;
BEGIN
  SELECT seq, hash INTO head_seq, head_hash FROM audit_chain WHERE id FOR UPDATE;
  IF NOT FOUND THEN
    -- The head row is gone (tables emptied by hand): go on from the last entry, or start afresh.
    INSERT INTO audit_chain (id, seq, hash)
    SELECT true, coalesce(last.seq, 0), coalesce(last.hash, repeat('0', 64))
    FROM (SELECT 1) one
    LEFT JOIN (SELECT seq, hash FROM audit_log WHERE seq IS NOT NULL ORDER BY seq DESC LIMIT 1) last ON true
    ON CONFLICT (id) DO NOTHING;
    SELECT seq, hash INTO head_seq, head_hash FROM audit_chain WHERE id FOR UPDATE;
  END IF;
  NEW.seq := head_seq + 1;
  NEW.prev_hash := head_hash;
  NEW.hash := audit_log_hash(NEW);
  UPDATE audit_chain SET seq = NEW.seq, hash = NEW.hash WHERE id;
  RETURN NEW;
END;
$$;--> statement-breakpoint
CREATE TRIGGER audit_log_chain BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION audit_log_chain();
