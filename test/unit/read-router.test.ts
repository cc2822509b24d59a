import { ConfigError, loadConfig } from '../../src/config';
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

describe('DATABASE_READ_URL and DATABASE_READ_MAX_LAG_S', () => {
  const base = { NODE_ENV: 'production', PII_KEY: 'ab'.repeat(32), TOKEN_SECRET: 'x'.repeat(40), DATABASE_URL: 'postgres://app@primary/bangfu' };
  const problems = (env: Record<string, string>) => {
    try {
      loadConfig({ ...base, ...env } as NodeJS.ProcessEnv);
      return [];
    } catch (err) {
      return (err as ConfigError).problems;
    }
  };

  it('is off unless set, and takes a 5-second limit by default', () => {
    expect(loadConfig(base as NodeJS.ProcessEnv).databaseRead).toBeUndefined();
    expect(loadConfig({ ...base, DATABASE_READ_URL: '' } as NodeJS.ProcessEnv).databaseRead).toBeUndefined();
    expect(loadConfig({ ...base, DATABASE_READ_URL: 'postgres://app@replica/bangfu' } as NodeJS.ProcessEnv).databaseRead).toEqual({ url: 'postgres://app@replica/bangfu', maxLagSeconds: 5 });
    expect(loadConfig({ ...base, DATABASE_READ_URL: 'postgresql://app@replica/bangfu', DATABASE_READ_MAX_LAG_S: '30' } as NodeJS.ProcessEnv).databaseRead?.maxLagSeconds).toBe(30);
  });

  it('refuses what is not a postgres:// URL, and a limit outside 1 to 3600 seconds, naming the variable', () => {
    expect(problems({ DATABASE_READ_URL: 'mysql://replica/bangfu' })).toEqual(['DATABASE_READ_URL: expected a URL starting with postgres: or postgresql: (got "mysql://replica/bangfu")']);
    // A URL with a password in it is never repeated in the message.
    expect(problems({ DATABASE_READ_URL: 'mysql://app:s3cret@replica/bangfu' })).toEqual(['DATABASE_READ_URL: expected a URL starting with postgres: or postgresql:']);
    expect(problems({ DATABASE_READ_URL: 'postgres://app@replica/bangfu', DATABASE_READ_MAX_LAG_S: '0' })).toEqual(['DATABASE_READ_MAX_LAG_S: expected a whole number from 1 to 3600, got "0"']);
  });
});
