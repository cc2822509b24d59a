import { isPlainRead, lsnValue } from '../../src/db/reader';

describe('which statements the read replica may be sent', () => {
  it('sends plain reads, as drizzle and the raw figures write them', () => {
    expect(isPlainRead('select "id", "name" from "workers" where "workers"."region_code" like $1 limit $2')).toBe(true);
    expect(isPlainRead('with r as (select code from regions) select count(*) from r')).toBe(true);
    expect(isPlainRead('  (select 1) union (select 2)')).toBe(true);
    // Words that only look like writes: columns such as updated_at, deleted_at, created_at.
    expect(isPlainRead('select "updated_at", "deleted_at", "created_at" from "workers"')).toBe(true);
  });

  it('keeps every write, lock and side effect on the primary, whatever it starts with', () => {
    for (const q of [
      'insert into "audit_log" ("action") values ($1)',
      'update "workers" set "name" = $1',
      'delete from "sessions" where "expires_at" < $1',
      'with moved as (delete from "outbox" returning *) select * from moved',
      'with x as (insert into t values (1) returning id) select id from x',
      'select * from "fairs" where "id" = $1 for update',
      'select * from "fairs" for no key update',
      'select * from "fairs" for share',
      'select * into scratch from workers',
      "select nextval('workers_seq')",
      'select pg_advisory_xact_lock(hashtext($1))',
      'select pg_try_advisory_lock(1)',
      "select set_config('x.y', '1', false)",
      'select pg_notify($1, $2)',
      'merge into t using s on t.id = s.id when matched then delete',
      'truncate "workers"',
      'create table x (id int)',
      'begin',
    ]) expect({ q, read: isPlainRead(q) }).toEqual({ q, read: false });
  });

  it('compares WAL positions', () => {
    expect(lsnValue('0/3000060')! < lsnValue('0/3000148')!).toBe(true);
    expect(lsnValue('1/0')! > lsnValue('0/FFFFFFFF')!).toBe(true);
    expect(lsnValue(null)).toBeUndefined();
  });
});
