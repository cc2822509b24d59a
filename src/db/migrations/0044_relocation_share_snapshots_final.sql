-- A closed month's relocation-site shares are final, as its figures are: never changed or removed.
CREATE FUNCTION relocation_share_snapshots_final() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'relocation_share_snapshots are final (% refused)', TG_OP USING ERRCODE = 'insufficient_privilege';
END;
$$;--> statement-breakpoint
CREATE TRIGGER relocation_share_snapshots_no_update_delete BEFORE UPDATE OR DELETE ON relocation_share_snapshots FOR EACH ROW EXECUTE FUNCTION relocation_share_snapshots_final();
