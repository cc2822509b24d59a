import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildApi } from '../../src/app';
import type { AppContext } from '../../src/context';
import { requestExamples } from '../../src/http/examples';
import { openApiDocument } from '../../src/http/openapi';
import { ROOT } from '../helpers/spawn';

interface Problem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: Array<{ pointer: string }>;
}

type Operation = { operationId?: string; security?: unknown[]; requestBody?: { content: Record<string, { example?: unknown }> } };
type Doc = { paths: Record<string, Record<string, Operation>> };

/** Runs the project's own Redocly CLI with redocly.yaml; resolves to what it found (its exit code says only "some error"). */
function lint(file: string): Promise<{ problems: Problem[]; totals: { errors: number; warnings: number; ignored: number } }> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [join(ROOT, 'node_modules/@redocly/cli/bin/cli.js'), 'lint', file, '--config', join(ROOT, 'redocly.yaml'), '--format=json', '--max-problems=1000'],
      { cwd: ROOT, env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' }, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        try {
          resolve(JSON.parse(stdout));
        } catch {
          reject(new Error(`redocly lint gave no report (${err?.message ?? 'no error'}): ${stderr.slice(-2000)}`));
        }
      },
    );
  });
}

describe('the OpenAPI document', () => {
  const dir = mkdtempSync(join(tmpdir(), 'bangfu-openapi-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const doc = openApiDocument(buildApi({} as AppContext)) as Doc;
  const operations = Object.entries(doc.paths).flatMap(([path, methods]) => Object.entries(methods).map(([method, op]) => ({ method, path, op })));

  it('passes Redocly’s recommended rules with no error and no warning beyond those explained in redocly.yaml', async () => {
    const file = join(dir, 'openapi.json');
    writeFileSync(file, JSON.stringify(doc));
    const report = await lint(file);
    const shown = report.problems.map((p) => `${p.severity} ${p.ruleId} ${p.location[0]?.pointer ?? ''}: ${p.message}`);
    expect(shown).toEqual([]);
    expect(report.totals.errors + report.totals.warnings).toBe(0);
  }, 120_000);

  it('names every operation once, and says of every operation which token it takes (none for the public ones)', () => {
    const ids = operations.map((o) => o.op.operationId);
    expect(ids.every((id) => typeof id === 'string' && /^[a-z][A-Za-z0-9]+$/.test(id))).toBe(true);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.every((o) => Array.isArray(o.op.security))).toBe(true);
    const login = doc.paths['/api/v1/auth/login']!.post!;
    expect(login.operationId).toBe('postAuthLogin');
    expect(login.security).toEqual([]);
    expect(doc.paths['/api/v1/workers/{id}']!.get!.security).toEqual([{ bearer: [] }]);
  });

  it('shows an example with each of the main request bodies, and every example belongs to an operation', () => {
    const withExample = operations.filter((o) => o.op.requestBody?.content['application/json']?.example !== undefined).map((o) => o.op.operationId);
    expect(withExample.sort()).toEqual(Object.keys(requestExamples).sort());
    expect(withExample).toEqual(expect.arrayContaining(['postAuthLogin', 'postWorkers', 'postVacancies', 'postBroadcasts', 'postMeLogin']));
  });
});
