import type { ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, type DatabaseError } from 'pg';
import { Secret, TOTP } from 'otpauth';
import { ROOT, spawnTs } from '../helpers/spawn';
import { Cluster, asPostgres } from '../helpers/cluster';
import { validIdNumber, validPhone } from '../helpers/factories';
import { freeLowPort, waitReady, type Run } from '../helpers/processes';
import { REDIS_PREFIX_ROOT, TEST_REDIS_URL, runId } from '../helpers/test-env';

/**
 * docker-compose.yml's path, rehearsed without Docker: a PostgreSQL 15 cluster of its own started the way the
 * postgres image starts an empty data directory (docker/postgres-init/*.sh run against a server that listens
 * on its socket only, with the image's POSTGRES_* and the compose file's environment), the `migrate` service's
 * command with its environment, the service as bangfu_app, a backup, the data lost, README's restore command
 * for compose, and audit:verify. The environments below are docker-compose.yml's, with only the host names,
 * ports and folders of this machine (and a Redis prefix of the test's own) in place of the containers'.
 */
const SECRETS = {
  POSTGRES_PASSWORD: `pg-${randomBytes(8).toString('hex')}`,
  DB_OWNER_PASSWORD: `owner-${randomBytes(8).toString('hex')}`,
  DB_APP_PASSWORD: `app-${randomBytes(8).toString('hex')}`,
  PII_KEY: randomBytes(32).toString('hex'),
  TOKEN_SECRET: randomBytes(32).toString('base64url'),
  BACKUP_KEY: randomBytes(32).toString('hex'),
  ADMIN_PASSWORD: 'compose-rehearsal-admin-password',
};

/**
 * What the postgres image's entrypoint does with /docker-entrypoint-initdb.d on an empty data directory: in
 * bash with `set -Eeo pipefail`, each file in name order; a *.sh that is executable is run, one that is not is
 * sourced into the entrypoint's own shell; *.sql goes to psql. PGPASSWORD is POSTGRES_PASSWORD.
 */
const ENTRYPOINT_INIT = `set -Eeo pipefail
export POSTGRES_USER="\${POSTGRES_USER:-postgres}"
export POSTGRES_DB="\${POSTGRES_DB:-$POSTGRES_USER}"
export PGPASSWORD="\${PGPASSWORD:-$POSTGRES_PASSWORD}"
for f in "$INITDB_DIR"/*; do
  case "$f" in
    *.sh) if [ -x "$f" ]; then echo "running $f"; "$f"; else echo "sourcing $f"; . "$f"; fi ;;
    *.sql) echo "running $f"; psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --no-password --no-psqlrc --dbname "$POSTGRES_DB" -f "$f" ;;
    *) echo "ignoring $f" ;;
  esac
done
echo "init done"
`;

function run(entry: string, args: string[], env: Record<string, string>, track: ChildProcess[]): Run {
  // The container's environment: the compose file's variables and nothing of this machine's but PATH and HOME.
  const child = spawnTs([entry, ...args], { env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: tmpdir(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  track.push(child);
  const stdout: string[] = [];
  const stderr: string[] = [];
  child.stdout!.on('data', (d: Buffer) => stdout.push(d.toString()));
  child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, stdout, stderr, exited };
}

async function refusal(client: Client, statement: string): Promise<string> {
  return client.query(statement).then(
    () => 'done',
    (err: DatabaseError) => `${err.code} ${err.message}`,
  );
}

describe('the docker-compose path, rehearsed on a cluster of its own', () => {
  const started: ChildProcess[] = [];
  let pg: Cluster | undefined;
  let dir: string;
  let service: Run | undefined;
  let appEnv: Record<string, string>;
  let station = '';

  /** An empty data directory brought up as the postgres image does: initdb, the init scripts against a socket-only server, then the server for everyone. */
  const firstStart = async () => {
    const c = await Cluster.create('compose', { start: false });
    await c.start({ socketOnly: true });
    // While the scripts run there is a server on the socket and none over TCP: a health check that asks the
    // socket calls this healthy; the other services reach it over TCP only once the real start is done.
    expect((await asPostgres('pg_isready', ['-h', c.socket, '-p', String(c.port), '-U', 'postgres', '-d', 'bangfu'])).code).toBe(0);
    expect((await asPostgres('pg_isready', ['-h', '127.0.0.1', '-p', String(c.port), '-U', 'postgres', '-d', 'bangfu'])).code).not.toBe(0);
    const init = await asPostgres('bash', ['-c', ENTRYPOINT_INIT], {
      env: {
        INITDB_DIR: join(ROOT, 'docker', 'postgres-init'),
        PGHOST: c.socket,
        PGPORT: String(c.port),
        POSTGRES_PASSWORD: SECRETS.POSTGRES_PASSWORD,
        DB_OWNER_PASSWORD: SECRETS.DB_OWNER_PASSWORD,
        DB_APP_PASSWORD: SECRETS.DB_APP_PASSWORD,
      },
    });
    expect({ code: init.code, err: init.err }).toEqual({ code: 0, err: '' });
    expect(init.out).toContain('running ');
    expect(init.out).toContain('init done');
    // The superuser's password, as the image sets it from POSTGRES_PASSWORD.
    const su = await c.superuser();
    await su.query(`alter role postgres password '${SECRETS.POSTGRES_PASSWORD}'`);
    await su.end();
    await c.stop();
    await c.start();
    // The compose file's health check, asked the way docker-compose.yml asks it now.
    expect((await asPostgres('pg_isready', ['-h', '127.0.0.1', '-p', String(c.port), '-U', 'postgres', '-d', 'bangfu'])).code).toBe(0);
    return c;
  };

  const composeUrls = (c: Cluster) => ({
    owner: c.url('bangfu_owner', SECRETS.DB_OWNER_PASSWORD, 'bangfu'),
    app: c.url('bangfu_app', SECRETS.DB_APP_PASSWORD, 'bangfu'),
  });

  const startApp = async () => {
    const proc = run('server/main.ts', ['all'], appEnv, started);
    await waitReady(`http://127.0.0.1:${appEnv.PORT}`, proc, 60_000);
    return proc;
  };
  const stopApp = async () => {
    if (!service) return;
    service.child.kill('SIGTERM');
    await service.exited;
    service = undefined;
  };
  const api = async (path: string, token: string, init: RequestInit = {}) =>
    fetch(`http://127.0.0.1:${appEnv.PORT}/api/v1${path}`, { ...init, headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...init.headers } });

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'bangfu-compose-'));
  });

  afterAll(async () => {
    for (const c of started) if (c.exitCode === null && c.signalCode === null) c.kill('SIGKILL');
    await pg?.destroy();
    rmSync(dir, { recursive: true, force: true });
  });

  it('creates the database and both roles, migrates as the owner and starts the service as bangfu_app', async () => {
    pg = await firstStart();
    const urls = composeUrls(pg);
    const su = await pg.superuser();
    const { rows } = await su.query<{ datname: string; owner: string }>(`select datname, pg_get_userbyid(datdba) as owner from pg_database where datname = 'bangfu'`);
    expect(rows).toEqual([{ datname: 'bangfu', owner: 'bangfu_owner' }]);
    await su.end();

    // The `migrate` service: node dist/src/db/migrate-cli.js, here the same module from its TypeScript source.
    const migrate = run('src/db/migrate-cli.ts', [], {
      NODE_ENV: 'production',
      DATABASE_MIGRATE_URL: urls.owner,
      DATABASE_URL: urls.app,
      PII_KEY: SECRETS.PII_KEY,
      TOKEN_SECRET: SECRETS.TOKEN_SECRET,
    }, started);
    expect({ code: await migrate.exited, err: migrate.stderr.join('') }).toEqual({ code: 0, err: '' });
    expect(migrate.stdout.join('')).toContain('rights granted to role bangfu_app');

    // The `app` service's environment.
    appEnv = {
      NODE_ENV: 'production',
      PORT: String(await freeLowPort()),
      DATABASE_URL: urls.app,
      DATABASE_READ_URL: '',
      REDIS_URL: TEST_REDIS_URL,
      REDIS_PREFIX: `${REDIS_PREFIX_ROOT}:${runId()}:${randomBytes(4).toString('hex')}`,
      PII_KEY: SECRETS.PII_KEY,
      TOKEN_SECRET: SECRETS.TOKEN_SECRET,
      ADMIN_PASSWORD: SECRETS.ADMIN_PASSWORD,
      REGION_ROOT: '5325',
      DEMO_DATA: 'false',
      WECHATY_PUPPET: '',
      WECHATY_PUPPET_SERVICE_TOKEN: '',
      BACKUP_KEY: SECRETS.BACKUP_KEY,
      BACKUP_DIR: join(dir, 'backups'),
      BACKUP_KEEP_DAYS: '14',
      METRICS_TOKEN: '',
      DATA_DIR: join(dir, 'data'),
    };
    service = await startApp();
    expect(service.stdout.join('') + service.stderr.join('')).toContain('the service role cannot change or remove entries');
  }, 60_000);

  it('registers a person: the administrator sets up the second factor, makes a station account, the station registers', async () => {
    const login = async (username: string, password: string, code?: string) => {
      const res = await fetch(`http://127.0.0.1:${appEnv.PORT}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password, ...(code ? { code } : {}) }) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { token: string }).token;
    };
    const admin = await login('admin', SECRETS.ADMIN_PASSWORD);
    // Production: an administrator sets up the second factor before anything else.
    const setup = (await (await api('/auth/totp/setup', admin, { method: 'POST' })).json()) as { secret: string };
    const code = new TOTP({ issuer: 'bangfu', label: 'admin', secret: Secret.fromBase32(setup.secret) }).generate();
    expect((await api('/auth/totp/enable', admin, { method: 'POST', body: JSON.stringify({ code }) })).status).toBe(200);
    const made = await api('/accounts', admin, { method: 'POST', body: JSON.stringify({ username: 'yuanyang-station', password: 'station-password-1', displayName: '元阳县就业服务站', role: 'station', regionCode: '532528' }) });
    expect(made.status).toBe(201);
    station = await login('yuanyang-station', 'station-password-1');
    // A village (村) of the county, from the regions the service loaded for REGION_ROOT on its first start.
    const asApp = new Client({ connectionString: composeUrls(pg!).app });
    await asApp.connect();
    const { rows } = await asApp.query<{ code: string }>(`select code from regions where code like '532528%' and level = 5 order by code limit 1`);
    await asApp.end();
    expect(rows).toHaveLength(1);
    const res = await api('/workers', station, {
      method: 'POST',
      body: JSON.stringify({ name: '马阿妹', idNumber: validIdNumber({ region: '532528', birth: '1990-05-06', sex: 'female' }), phone: validPhone(), laborCapacity: 'full', category: 'lifted', regionCode: rows[0]!.code, skills: ['保洁'], consent: true }),
    });
    expect({ status: res.status, body: res.status === 201 ? 'ok' : await res.text() }).toEqual({ status: 201, body: 'ok' });
  });

  it('keeps bangfu_app from turning the audit triggers off or changing, deleting or truncating the audit log', async () => {
    const asApp = new Client({ connectionString: composeUrls(pg!).app });
    await asApp.connect();
    try {
      expect(await refusal(asApp, 'alter table audit_log disable trigger all')).toBe('42501 must be owner of table audit_log');
      expect(await refusal(asApp, `update audit_log set action = 'forged'`)).toBe('42501 permission denied for table audit_log');
      expect(await refusal(asApp, 'delete from audit_log')).toBe('42501 permission denied for table audit_log');
      expect(await refusal(asApp, 'truncate audit_log')).toBe('42501 permission denied for table audit_log');
      expect(await refusal(asApp, 'set session_replication_role = replica')).toMatch(/^42501 permission denied to set parameter/);
      const { rows } = await asApp.query<{ n: number }>(`select count(*)::int as n from audit_log where action = 'worker.create'`);
      expect(rows[0]!.n).toBe(1);
    } finally {
      await asApp.end();
    }
  });

  it('backs up, loses the data volume, restores with README’s compose command as the owner: the person and the audit chain are back', async () => {
    // `npm run backup` and `npm run audit:verify` with the app's environment (both only read: side by side).
    const verify = (env: Record<string, string>) => run('scripts/audit-verify.ts', [], env, started);
    const backup = run('scripts/backup.ts', [], appEnv, started);
    const before = verify(appEnv);
    expect({ code: await backup.exited, err: backup.stderr.join('') }).toEqual({ code: 0, err: '' });
    expect({ code: await before.exited, err: before.stderr.join('') }).toEqual({ code: 0, err: '' });
    const made = JSON.parse(backup.stdout.join('').trim().split('\n').at(-1)!) as { file: string; bytes: number };
    expect(readFileSync(made.file).includes(Buffer.from('马阿妹'))).toBe(false);
    const chainBefore = before.stdout.join('');

    // The pgdata volume is lost: a new empty data directory, brought up by the image again.
    await stopApp();
    await pg!.destroy();
    pg = await firstStart();
    const urls = composeUrls(pg);
    appEnv = { ...appEnv, DATABASE_URL: urls.app };

    // README: docker compose run --rm --entrypoint node -e DATABASE_MIGRATE_URL=…owner… app dist/scripts/restore.js FILE --yes
    const restore = run('scripts/restore.ts', [made.file, '--yes'], { ...appEnv, DATABASE_MIGRATE_URL: urls.owner }, started);
    expect({ code: await restore.exited, err: restore.stderr.join('') }).toEqual({ code: 0, err: '' });
    expect(restore.stdout.join('')).toContain('audit log OK');
    // The empty database it replaced was backed up first, beside the backup.
    expect(readdirSync(join(dir, 'backups')).filter((f) => f.includes('before-restore'))).toHaveLength(1);

    // audit:verify says what it said before the loss; meanwhile the service starts on the restored database as
    // bangfu_app, the station's session restored with it, and finds the person.
    const after = verify(appEnv);
    service = await startApp();
    expect({ code: await after.exited, err: after.stderr.join('') }).toEqual({ code: 0, err: '' });
    expect(after.stdout.join('')).toBe(chainBefore);
    const list = (await (await api('/workers?pageSize=50', station)).json()) as { items: Array<{ name: string }> };
    expect(list.items.map((w) => w.name)).toEqual(['马阿妹']);
    // And the restored tables belong to the owner again, the service's role still owning nothing.
    const su = await pg.superuser('bangfu');
    const { rows } = await su.query<{ owner: string; n: number }>(`select pg_get_userbyid(relowner) as owner, count(*)::int as n from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' group by 1`);
    await su.end();
    expect(rows.map((r) => r.owner)).toEqual(['bangfu_owner']);
    await stopApp();
  }, 90_000);
});
