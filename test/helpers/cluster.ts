import { execFileSync, spawn } from 'node:child_process';
import { appendFileSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client } from 'pg';
import { freeLowPort } from './processes';

/**
 * A throwaway PostgreSQL 15 cluster of its own (initdb in a temporary folder, its own port), for what the
 * shared test server cannot show: replication, the roles and scripts of a fresh deployment. PostgreSQL
 * refuses to run as root, so every server program runs as the `postgres` OS user.
 */
export const PG_BIN = process.env.PG_BIN ?? '/usr/lib/postgresql/15/bin';

function ids(): { uid: number; gid: number } {
  const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
  const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
  return { uid, gid };
}

/** Runs a program as the postgres OS user (as it is when this process is that user). */
export function asPostgres(program: string, args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<{ code: number | null; out: string; err: string }> {
  const root = process.getuid?.() === 0;
  const [cmd, argv] = root ? ['runuser', ['-u', 'postgres', '--', program, ...args]] : [program, args];
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, argv, { env: { ...process.env, ...opts.env }, cwd: opts.cwd ?? '/tmp', stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.once('error', reject);
    child.once('close', (code) => resolve({ code, out, err }));
  });
}

async function must(program: string, args: string[], opts: { env?: Record<string, string>; cwd?: string } = {}): Promise<string> {
  const r = await asPostgres(program, args, opts);
  if (r.code !== 0) throw new Error(`${program} ${args.join(' ')} failed (${r.code}): ${r.err}${r.out}`);
  return r.out;
}

export class Cluster {
  private constructor(
    /** The folder of this cluster (its data directory and socket are inside). */
    readonly dir: string,
    readonly port: number,
  ) {}

  get data(): string {
    return join(this.dir, 'data');
  }
  /** The folder holding the server's Unix socket. */
  get socket(): string {
    return join(this.dir, 'run');
  }

  /** A postgres:// URL over TCP as `user` (with `password`) to `database`. */
  url(user: string, password: string | undefined, database: string): string {
    const u = new URL(`postgres://127.0.0.1:${this.port}/${database}`);
    u.username = user;
    if (password) u.password = password;
    return u.toString();
  }

  /** A client as the superuser over the Unix socket (local connections are trusted, as in the postgres image). */
  async superuser(database = 'postgres'): Promise<Client> {
    const c = new Client({ host: this.socket, port: this.port, user: 'postgres', database });
    await c.connect();
    return c;
  }

  private static async folder(name: string): Promise<{ dir: string; port: number }> {
    const dir = mkdtempSync(join(tmpdir(), `bangfu-pg-${name}-`));
    const { uid, gid } = ids();
    chownSync(dir, uid, gid);
    mkdirSync(join(dir, 'run'));
    chownSync(join(dir, 'run'), uid, gid);
    return { dir, port: await freeLowPort() };
  }

  /**
   * A new cluster: local (socket) connections trusted, TCP ones by password (scram-sha-256), like the
   * postgres image with POSTGRES_PASSWORD set. `conf` lines are added to postgresql.conf, `hba` lines first in pg_hba.conf.
   */
  static async create(name: string, opts: { conf?: string[]; hba?: string[]; start?: boolean } = {}): Promise<Cluster> {
    const { dir, port } = await Cluster.folder(name);
    const c = new Cluster(dir, port);
    await must(`${PG_BIN}/initdb`, ['-D', c.data, '-U', 'postgres', '--auth-local=trust', '--auth-host=scram-sha-256', '-E', 'UTF8', '--locale=C.UTF-8', '--no-sync', '--no-instructions']);
    appendFileSync(
      join(c.data, 'postgresql.conf'),
      ["listen_addresses = '127.0.0.1'", `unix_socket_directories = '${c.socket}'`, 'fsync = off', 'full_page_writes = off', 'synchronous_commit = off', "shared_buffers = '32MB'", ...(opts.conf ?? [])].join('\n') + '\n',
    );
    if (opts.hba?.length) {
      const hba = join(c.data, 'pg_hba.conf');
      // Rewritten in place: the file keeps its owner (postgres) and mode.
      writeFileSync(hba, `${opts.hba.join('\n')}\n${readFileSync(hba, 'utf8')}`);
    }
    if (opts.start ?? true) await c.start();
    return c;
  }

  /** A streaming replica of `primary` from pg_basebackup -R, as `user` (a role with REPLICATION), on a port of its own. */
  static async replicaOf(primary: Cluster, user: string, password: string): Promise<Cluster> {
    const { dir, port } = await Cluster.folder('replica');
    const c = new Cluster(dir, port);
    await must(`${PG_BIN}/pg_basebackup`, ['-D', c.data, '-R', '-X', 'stream', '--checkpoint=fast', '--no-sync', '-d', `host=127.0.0.1 port=${primary.port} user=${user} password=${password}`]);
    // Its own port and socket (postgresql.conf came from the primary; the last setting wins).
    appendFileSync(join(c.data, 'postgresql.conf'), `port = ${port}\nunix_socket_directories = '${c.socket}'\nhot_standby = on\n`);
    await c.start();
    return c;
  }

  /** Starts the server; `socketOnly`: no TCP at all (listen_addresses=''), as the postgres image's first-start server runs its init scripts. */
  async start(opts: { socketOnly?: boolean } = {}): Promise<void> {
    const o = `-p ${this.port}${opts.socketOnly ? " -c listen_addresses=''" : ''}`;
    await must(`${PG_BIN}/pg_ctl`, ['-D', this.data, '-l', join(this.dir, 'server.log'), '-o', o, '-w', '-t', '60', 'start']);
  }

  /** Stops the server (fast: open connections are ended) and waits for it to be gone. */
  async stop(mode: 'fast' | 'immediate' = 'fast'): Promise<void> {
    if (!existsSync(join(this.data, 'postmaster.pid'))) return;
    const r = await asPostgres(`${PG_BIN}/pg_ctl`, ['-D', this.data, '-m', mode, '-w', '-t', '30', 'stop']);
    if (r.code !== 0 && existsSync(join(this.data, 'postmaster.pid'))) {
      // Last resort: its own postmaster, by the pid it wrote.
      const pid = Number(readFileSync(join(this.data, 'postmaster.pid'), 'utf8').split('\n')[0]);
      if (pid > 0) process.kill(pid, 'SIGKILL');
    }
  }

  /** Stops the server and removes its folder. */
  async destroy(): Promise<void> {
    await this.stop('immediate').catch(() => undefined);
    rmSync(this.dir, { recursive: true, force: true });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'server.log'), 'utf8');
    } catch {
      return '';
    }
  }
}
