import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { closeSync, createReadStream, createWriteStream, linkSync, openSync, readSync, rmSync, statSync } from 'node:fs';
import { Writable, type Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';

/**
 * A backup file: a first line that says what it is, a line of JSON describing it, then the contents
 * encrypted with AES-256-GCM under BACKUP_KEY (12-byte nonce first, 16-byte tag last). The two lines
 * are authenticated with the contents, so neither can be changed unnoticed.
 */
const MAGIC = 'BANGFU-BACKUP 1\n';
const NONCE = 12;
const TAG = 16;

export interface BackupHeader {
  kind: 'postgres' | 'pglite';
  createdAt: string;
  /** Migrations applied when it was made (the newest's tag). */
  schema: string | null;
  /** The service's version. */
  version: string;
}

export class BackupUnreadable extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BackupUnreadable';
  }
}

/**
 * Writes `source` encrypted to a new file of its own beside `file` (`….part`, never an existing one) and
 * answers its path: the caller gives it the name with `commitBackup` only once the source is known to be
 * whole (pg_dump exited 0), so a file with a backup's name is always a whole backup.
 */
export async function writeBackup(source: Readable, file: string, key: Buffer, header: BackupHeader): Promise<string> {
  const head = Buffer.from(`${MAGIC}${JSON.stringify(header)}\n`, 'utf8');
  const nonce = randomBytes(NONCE);
  const cipher = createCipheriv('aes-256-gcm', key, nonce);
  cipher.setAAD(head);
  const part = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.part`;
  const out = createWriteStream(part, { mode: 0o600, flags: 'wx' });
  out.write(head);
  out.write(nonce);
  try {
    await pipeline(source, cipher, out, { end: false });
    await new Promise<void>((resolve, reject) => out.end(cipher.getAuthTag(), (err?: Error | null) => (err ? reject(err) : resolve())));
  } catch (err) {
    out.destroy();
    rmSync(part, { force: true });
    throw err;
  }
  return part;
}

/** Gives a finished part its backup name, never over an existing file; answers the name and size. */
export function commitBackup(part: string, file: string): { file: string; bytes: number } {
  for (let n = 1; ; n++) {
    const name = n === 1 ? file : file.replace(/\.backup$/, `-${n}.backup`);
    try {
      linkSync(part, name);
      rmSync(part, { force: true });
      return { file: name, bytes: statSync(name).size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || n > 50) {
        rmSync(part, { force: true });
        throw err;
      }
    }
  }
}

/** The header line of a backup, read without the key. */
export function readHeader(file: string): { header: BackupHeader; head: Buffer } {
  const fd = openSync(file, 'r');
  try {
    const buf = Buffer.alloc(4096);
    const n = readSync(fd, buf, 0, buf.length, 0);
    const text = buf.subarray(0, n).toString('utf8');
    if (!text.startsWith(MAGIC)) throw new BackupUnreadable(`${file} 不是本服务的备份文件 / is not a backup of this service`);
    const end = text.indexOf('\n', MAGIC.length);
    if (end < 0) throw new BackupUnreadable(`${file} 已损坏 / is damaged`);
    const header = JSON.parse(text.slice(MAGIC.length, end)) as BackupHeader;
    return { header, head: Buffer.from(text.slice(0, end + 1), 'utf8') };
  } catch (err) {
    if (err instanceof BackupUnreadable) throw err;
    throw new BackupUnreadable(`${file} 已损坏 / is damaged: ${(err as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The decrypted contents of `file`, as a stream that fails at its end (BackupUnreadable) when the key is
 * wrong or a byte anywhere was changed: read it once with `checkBackup` before trusting any of it.
 */
export function openBackup(file: string, key: Buffer): { header: BackupHeader; contents(): Readable } {
  const { header, head } = readHeader(file);
  const headBytes = head.length;
  const size = statSync(file).size;
  if (size < headBytes + NONCE + TAG) throw new BackupUnreadable(`${file} 不完整 / is incomplete`);
  const nonce = Buffer.alloc(NONCE);
  const tag = Buffer.alloc(TAG);
  const fd = openSync(file, 'r');
  try {
    readSync(fd, nonce, 0, NONCE, headBytes);
    readSync(fd, tag, 0, TAG, size - TAG);
  } finally {
    closeSync(fd);
  }
  return {
    header,
    contents() {
      const decipher = createDecipheriv('aes-256-gcm', key, nonce);
      decipher.setAAD(head);
      decipher.setAuthTag(tag);
      const source = createReadStream(file, { start: headBytes + NONCE, end: size - TAG - 1 });
      source.on('error', (err) => decipher.destroy(err));
      return source.pipe(decipher);
    },
  };
}

export const unreadable = (file: string) =>
  new BackupUnreadable(`无法解开 ${file}：BACKUP_KEY 不对，或文件已损坏 / cannot open ${file}: wrong BACKUP_KEY, or the file is damaged`);

/** Reads the whole backup through once, keeping nothing, to prove the key and every byte. */
export async function checkBackup(file: string, key: Buffer): Promise<BackupHeader> {
  const opened = openBackup(file, key);
  const header = opened.header;
  try {
    await pipeline(opened.contents(), new Writable({ write: (_c, _e, done) => done() }));
  } catch {
    throw unreadable(file);
  }
  return header;
}
