import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataDirInUse, holdDataDir, readOwner } from '../../src/db/owner';

/** The embedded database's one-owner lock, judged by whether the holder's process lives, never by age. */
describe('one owner for a data directory', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'bangfu-owner-unit-'));
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  it('refuses a second holder while the first lives, however long ago it took the lock, and frees it on release', async () => {
    const dir = join(root, 'pglite');
    const first = holdDataDir(dir, 'npm start');
    // An old lock of a live holder is still held (a busy holder keeps it).
    utimesSync(`${dir}.lock`, new Date('2020-01-01'), new Date('2020-01-01'));
    expect(() => holdDataDir(dir, 'npm run migrate')).toThrow(DataDirInUse);
    expect(() => holdDataDir(dir, 'npm run migrate')).toThrow(`pid ${process.pid}`);
    await first.release();
    const second = holdDataDir(dir, 'npm run migrate');
    expect(readOwner(dir)?.what).toBe('npm run migrate');
    await second.release();
  });

  it("takes over the lock of a holder whose process is gone, and a release never removes another holder's lock", async () => {
    const dir = join(root, 'pglite');
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid;
    mkdirSync(`${dir}.lock`);
    writeFileSync(join(`${dir}.lock`, 'owner.json'), JSON.stringify({ pid: dead, host: hostname(), what: 'npm start', startedAt: '2026-12-01T00:00:00Z', token: 'old' }));
    const mine = holdDataDir(dir, 'npm start');
    expect(readOwner(dir)).toMatchObject({ pid: process.pid, what: 'npm start' });
    // Someone removed our lock by hand and another process took it: our release leaves theirs alone.
    rmSync(`${dir}.lock`, { recursive: true });
    const theirs = holdDataDir(dir, 'other');
    await mine.release();
    expect(readOwner(dir)?.token).toBe(theirs.owner.token);
    await theirs.release();
  });

  it('treats a lock still being taken (no owner written yet) as held, and one left so for a minute as abandoned', () => {
    const dir = join(root, 'pglite');
    mkdirSync(`${dir}.lock`);
    expect(() => holdDataDir(dir, 'x')).toThrow(DataDirInUse);
    utimesSync(`${dir}.lock`, new Date(Date.now() - 120_000), new Date(Date.now() - 120_000));
    expect(holdDataDir(dir, 'x').owner.what).toBe('x');
  });
});
