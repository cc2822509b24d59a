import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import lockfile from 'proper-lockfile';

/**
 * One owner per embedded database. PGlite keeps its files in one directory and has no locking of
 * its own: two processes writing there corrupt it. The first process to open the directory holds a
 * lock (a lock directory whose time the holder refreshes) and writes who it is beside it; any other
 * process is refused in one line that names the holder and says what to do. A holder that died
 * (killed, machine restarted) leaves a lock that is taken over at once when its process is gone.
 */
export interface Owner {
  pid: number;
  host: string;
  /** What the holder is: `npm start`, `seed`, `migrate`, `restore`, ... */
  what: string;
  startedAt: string;
  /** The holder's control socket, where `npm run seed` and `npm run chat` can reach it. */
  socket?: string;
}

export class DataDirInUse extends Error {
  constructor(
    readonly dir: string,
    readonly owner: Owner | null,
  ) {
    super(
      owner
        ? `嵌入式数据库 ${dir} 正被另一个进程使用（${owner.what}，进程号 ${owner.pid}，${owner.startedAt} 起）。请先停止它，或让 npm run seed / npm run chat 通过它运行。 / The embedded database ${dir} is in use by another process (${owner.what}, pid ${owner.pid}, since ${owner.startedAt}): stop it first, or let npm run seed / npm run chat go through it.`
        : `嵌入式数据库 ${dir} 正被另一个进程使用。 / The embedded database ${dir} is in use by another process.`,
    );
    this.name = 'DataDirInUse';
  }
}

export interface Hold {
  owner: Owner;
  /** Records the control socket once the holder serves one. */
  setSocket(path: string): void;
  release(): Promise<void>;
}

// Beside the data directory, not in it: a restore replaces the directory while its lock is held.
const lockPath = (dir: string) => `${dir}.lock`;
const infoPath = (dir: string) => `${dir}.owner.json`;

export function readOwner(dir: string): Owner | null {
  try {
    return JSON.parse(readFileSync(infoPath(dir), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

function alive(owner: Owner | null): boolean {
  if (!owner) return true; // nothing says who holds it: trust the lock's own staleness
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of `dir`, if any (for tools that go through it instead of opening the files). */
export async function liveOwner(dir: string): Promise<Owner | null> {
  if (!existsSync(lockPath(dir))) return null;
  const locked = await lockfile.check(dir, { lockfilePath: lockPath(dir), stale: STALE_MS, realpath: false }).catch(() => false);
  if (!locked) return null;
  const owner = readOwner(dir);
  return owner && alive(owner) ? owner : null;
}

const STALE_MS = 30_000;

/**
 * Takes the directory for this process or throws DataDirInUse. `onLost` is called if another process
 * took the lock meanwhile (the holder's clock stalled past the stale time): writing on would corrupt
 * the files, so the caller should stop.
 */
export async function holdDataDir(dir: string, what: string, onLost: (err: Error) => void): Promise<Hold> {
  mkdirSync(dirname(dir), { recursive: true });
  const opts = { lockfilePath: lockPath(dir), stale: STALE_MS, update: STALE_MS / 3, realpath: false, onCompromised: onLost };
  let release: () => Promise<void>;
  try {
    release = await lockfile.lock(dir, opts);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ELOCKED') throw err;
    const holder = readOwner(dir);
    if (alive(holder)) throw new DataDirInUse(dir, holder);
    // The holder is gone without releasing (killed): its lock is taken over.
    rmSync(lockPath(dir), { recursive: true, force: true });
    try {
      release = await lockfile.lock(dir, opts);
    } catch (again) {
      if ((again as NodeJS.ErrnoException).code === 'ELOCKED') throw new DataDirInUse(dir, readOwner(dir));
      throw again;
    }
  }
  const owner: Owner = { pid: process.pid, host: hostname(), what, startedAt: new Date().toISOString() };
  const write = () => writeFileSync(infoPath(dir), JSON.stringify(owner), { mode: 0o600 });
  write();
  let released = false;
  return {
    owner,
    setSocket(path) {
      owner.socket = path;
      write();
    },
    async release() {
      if (released) return;
      released = true;
      rmSync(infoPath(dir), { force: true });
      await release().catch(() => undefined);
    },
  };
}
