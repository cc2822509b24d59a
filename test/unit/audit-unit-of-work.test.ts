import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';

/**
 * Every audit entry goes through the unit of work (src/shared/command.ts): `command` for a change, which
 * writes the entry in the change's own transaction, `auditIn` inside a caller's transaction, `auditRead`
 * for a read. Calling `recordAudit` directly, with `ctx.db` or anything else, would write the entry apart
 * from the change again, so outside the helper (and its definition) it must not be called at all.
 */
const ROOT = join(__dirname, '..', '..');
const ALLOWED = new Set(['src/shared/command.ts', 'src/audit/service.ts']);

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = join(dir, e.name);
    if (e.isDirectory()) return e.name === 'migrations' ? [] : sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

describe('audit entries go through the unit of work', () => {
  const files = ['src', 'jobs', 'bots', 'server'].flatMap(sources).map((f) => relative(ROOT, join(ROOT, f)));

  it('no file but the helper calls recordAudit, under its own name or another', () => {
    const offenders: string[] = [];
    for (const file of files) {
      if (ALLOWED.has(file)) continue;
      const text = readFileSync(join(ROOT, file), 'utf8');
      // Under another name: `import { recordAudit as x }` or `const x = recordAudit`.
      const aliases = [...text.matchAll(/recordAudit\s+as\s+(\w+)/g), ...text.matchAll(/(\w+)\s*=\s*recordAudit\b/g)].map((m) => m[1]!);
      for (const name of ['recordAudit', ...aliases]) {
        text.split('\n').forEach((line, i) => {
          if (new RegExp(`\\b${name}\\s*\\(`).test(line)) offenders.push(`${file}:${i + 1}: ${line.trim()}`);
        });
      }
    }
    expect(offenders).toEqual([]);
  });

  it('the check finds a direct call with ctx.db, the shape that wrote entries outside the change', () => {
    const line = "  await recordAudit(ctx.db, { actorId: actor.accountId, action: 'worker.update' });";
    expect(/\brecordAudit\s*\(/.test(line)).toBe(true);
    expect(files).toContain('src/registry/service.ts');
  });
});
