import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, renameSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { build } from 'esbuild';
import { ROOT } from '../../scripts/entry';

/** Where the run's JavaScript tree goes: beside the sources, one level down as dist/ is, so the same relative paths hold. */
export const JS_BUILD_DIR = join(ROOT, 'dist-test');

/** What the compiled service reads at run time beside its code (as scripts/copy-assets.cjs copies into dist/), linked. */
const ASSETS = ['locales', 'src/db/migrations', 'src/regions/divisions'];

/**
 * Compiles the project's TypeScript (service, workers, bot, scripts and the test helpers the scripts use) to
 * CommonJS in dist-test/, file by file as tsx does, for the processes the tests start (scripts/entry.ts).
 * A file is written only when its text changed, by a rename, so a run already using the tree is never handed
 * half a file. Takes a second or two; it replaces a tsx compile in every process started.
 */
export async function buildJs(): Promise<string> {
  const files = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '--', 'src', 'server', 'jobs', 'bots', 'scripts', 'test/helpers'], { cwd: ROOT, encoding: 'utf8' })
    .split('\n')
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts') && existsSync(join(ROOT, f)));
  const out = await build({
    entryPoints: files.map((f) => join(ROOT, f)),
    outdir: JS_BUILD_DIR,
    outbase: ROOT,
    format: 'cjs',
    platform: 'node',
    target: 'node20',
    bundle: false,
    write: false,
    logLevel: 'error',
  });
  for (const file of out.outputFiles) {
    if (existsSync(file.path) && readFileSync(file.path).equals(file.contents)) continue;
    mkdirSync(dirname(file.path), { recursive: true });
    const temp = `${file.path}.${process.pid}.tmp`;
    writeFileSync(temp, file.contents);
    renameSync(temp, file.path);
  }
  for (const asset of ASSETS) {
    const link = join(JS_BUILD_DIR, asset);
    if (lstatSync(link, { throwIfNoEntry: false })) continue;
    mkdirSync(dirname(link), { recursive: true });
    try {
      symlinkSync(relative(dirname(link), join(ROOT, asset)), link);
    } catch (err) {
      // Another run linked it first.
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
  }
  return JS_BUILD_DIR;
}
