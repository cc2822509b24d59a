import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { dirname, join } from 'node:path';

/**
 * One owner per embedded database. PGlite keeps its files in one directory and has no locking of
 * its own: two processes writing there corrupt it. The first process to open the directory creates
 * a lock directory beside it (mkdir is atomic: of two processes, one wins) with a file inside that
 * says who holds it. The lock is never judged by age, only by whether its holder's process still
 * exists: a holder busy for minutes on one long statement keeps it, a holder that was killed loses
 * it at once. Any other process is refused in one line that names the holder and says what to do.
 */
export interface Owner {
  pid: number;
  host: string;
  /** What the holder is: `npm start`, `seed`, `migrate`, `restore`, ... */
  what: string;
  startedAt: string;
  /** A value only this holding has, so a release never removes another holder's lock. */
  token: string;
  /** The holder's control socket, where `npm run seed` and `npm run chat` can reach it. */
  socket?: string;
}

export class DataDirInUse extends Error {
  constructor(
    readonly dir: string,
    readonly owner: Owner | null,
    reason?: string,
  ) {
    super(
      reason ??
        (owner
          ? `嵌入式数据库 ${dir} 正被另一个进程使用（${owner.what}，进程号 ${owner.pid}，${owner.startedAt} 起）。请先停止它，或让 npm run seed / npm run chat / npm run backup 通过它运行。 / The embedded database ${dir} is in use by another process (${owner.what}, pid ${owner.pid}, since ${owner.startedAt}): stop it first, or let npm run seed / npm run chat / npm run backup go through it.`
          : `嵌入式数据库 ${dir} 正被另一个进程打开（它还没写明自己是谁）；过一会儿再试 / The embedded database ${dir} is being opened by another process; try again in a moment.`),
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
const lockDir = (dir: string) => `${dir}.lock`;
const ownerFile = (dir: string) => join(lockDir(dir), 'owner.json');

export function readOwner(dir: string): Owner | null {
  try {
    return JSON.parse(readFileSync(ownerFile(dir), 'utf8')) as Owner;
  } catch {
    return null;
  }
}

/** Whether the holder's process still exists (a holder on another host is assumed alive: it cannot be checked). */
function alive(owner: Owner): boolean {
  if (owner.host !== hostname()) return true;
  try {
    process.kill(owner.pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live holder of `dir`, if any (for tools that go through it instead of opening the files). */
export function liveOwner(dir: string): Owner | null {
  const owner = readOwner(dir);
  return owner && alive(owner) ? owner : null;
}

/** A lock directory left with no owner file for this long was left by a process that died as it was taking it. */
const HALF_TAKEN_MS = 60_000;

/** Takes the directory for this process, or throws DataDirInUse naming who holds it. */
export function holdDataDir(dir: string, what: string): Hold {
  mkdirSync(dirname(dir), { recursive: true });
  const owner: Owner = { pid: process.pid, host: hostname(), what, startedAt: new Date().toISOString(), token: randomBytes(12).toString('hex') };
  for (let attempt = 0; ; attempt++) {
    try {
      mkdirSync(lockDir(dir), { mode: 0o700 });
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = readOwner(dir);
    let taken: boolean;
    try {
      taken = holder ? alive(holder) : Date.now() - statSync(lockDir(dir)).mtimeMs < HALF_TAKEN_MS;
    } catch {
      taken = false; // released meanwhile
    }
    if (taken || attempt >= 3) throw new DataDirInUse(dir, holder);
    // The holder is gone without releasing (killed, power cut): its lock is moved away in one step,
    // so of two processes doing this at once only one succeeds, and both then race fairly for mkdir.
    const gone = `${lockDir(dir)}.gone-${randomBytes(4).toString('hex')}`;
    try {
      renameSync(lockDir(dir), gone);
      rmSync(gone, { recursive: true, force: true });
    } catch {
      // someone else moved it first
    }
  }
  const write = () => {
    const tmp = `${ownerFile(dir)}.${owner.token}`;
    writeFileSync(tmp, JSON.stringify(owner), { mode: 0o600 });
    renameSync(tmp, ownerFile(dir));
  };
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
      // Only our own lock is removed (never one another process took over meanwhile).
      if (readOwner(dir)?.token === owner.token) rmSync(lockDir(dir), { recursive: true, force: true });
    },
  };
}

/** A restore in progress leaves this marker; a start that finds it refuses rather than open half a database. */
export const restoringMarker = (dir: string) => `${dir}.restoring`;

export function assertNotRestoring(dir: string): void {
  if (existsSync(restoringMarker(dir))) {
    throw new DataDirInUse(
      dir,
      null,
      `嵌入式数据库 ${dir} 的恢复没有做完（${restoringMarker(dir)} 还在）：请再运行一次 npm run restore / A restore of the embedded database ${dir} did not finish (${restoringMarker(dir)} is still there): run npm run restore again.`,
    );
  }
}
