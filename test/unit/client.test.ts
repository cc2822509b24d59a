import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from '../helpers/spawn';
import { entryArgs } from '../../scripts/entry';

const run = promisify(execFile);

/** Front ends build on clients/: its types must describe the API as it is now. */
describe('the typed client in clients/', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bangfu-client-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is generated from the current OpenAPI document (run `npm run client:generate` after changing a route)', async () => {
    await run(process.execPath, entryArgs('scripts/openapi.ts', [join(dir, 'openapi.json')]), { cwd: ROOT });
    await run(process.execPath, [join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'), join(dir, 'openapi.json'), '--default-non-nullable', 'false', '-o', join(dir, 'api.d.ts')], { cwd: ROOT });
    const fresh = readFileSync(join(dir, 'api.d.ts'), 'utf8');
    const committed = readFileSync(join(ROOT, 'clients/api.d.ts'), 'utf8');
    expect(fresh.includes('"/api/v1/me/nearby"')).toBe(true);
    expect(committed === fresh).toBe(true);
  }, 120_000);

  it('type-checks, with the mini-program’s calls typed by the document', async () => {
    await expect(run(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'clients/tsconfig.json'], { cwd: ROOT })).resolves.toBeDefined();
  }, 120_000);
});
