import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * own-tables (dependency-cruiser) sees imports only: a module that names another module's table inside
 * raw SQL (an sql`…` template, sql.raw or .execute of a string) slips past it. This test reads each table's
 * owner from the schema files (pgTable('name', …) in src/db/schema/<module>.ts) and every module's raw SQL,
 * and lists each place a module names a table of another module there. The kernel's own tables (the
 * outbox, the audit log) are not counted, nor are the kernel's folders (src/db, shared, audit …), which
 * are not modules.
 */
const ROOT = join(__dirname, '..', '..');
const KERNEL_DIRS = new Set(['db', 'shared', 'queues', 'events', 'http', 'pii', 'audit']);
const KERNEL_SCHEMAS = new Set(['events', 'audit']);

/**
 * Deliberate reads of another module's table by name, each with its reason. Keep this list short: a read
 * belongs in the owner's front door (a function, or a read model such as regions' `regionNameSql`).
 */
const ALLOWED: Record<string, string> = {};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const path = `${dir}/${e.name}`;
    if (e.isDirectory()) return sources(path);
    return e.name.endsWith('.ts') ? [path] : [];
  });
}

/**
 * Table name → owner module, from `export const x = pgTable('name', …)` in src/db/schema/<module>.ts (a schema
 * file may spell another's table unexported, by its name and key only, for a foreign key to it).
 */
export function tableOwners(): Map<string, string> {
  const owners = new Map<string, string>();
  for (const file of readdirSync(join(ROOT, 'src/db/schema'))) {
    if (!file.endsWith('.ts') || file === 'index.ts') continue;
    const text = readFileSync(join(ROOT, 'src/db/schema', file), 'utf8');
    for (const m of text.matchAll(/export const \w+ = pgTable\(\s*['"`]([a-z_][a-z0-9_]*)['"`]/g)) owners.set(m[1]!, file.replace(/\.ts$/, ''));
  }
  return owners;
}

/** The end of a template literal starting after its opening backtick at `i`, and its text outside `${…}`. */
function templateAt(src: string, i: number): { end: number; text: string } {
  let text = '';
  while (i < src.length) {
    const c = src[i]!;
    if (c === '\\') {
      text += src.slice(i, i + 2);
      i += 2;
    } else if (c === '`') return { end: i + 1, text };
    else if (c === '$' && src[i + 1] === '{') {
      i = skipExpression(src, i + 2);
      text += ' ? ';
    } else {
      text += c;
      i += 1;
    }
  }
  return { end: i, text };
}

/** Past the `}` closing an expression that starts at `i` (strings and nested templates skipped). */
function skipExpression(src: string, i: number): number {
  let depth = 1;
  while (i < src.length && depth > 0) {
    const c = src[i]!;
    if (c === '`') i = templateAt(src, i + 1).end;
    else if (c === "'" || c === '"') {
      i += 1;
      while (i < src.length && src[i] !== c) i += src[i] === '\\' ? 2 : 1;
      i += 1;
    } else {
      if (c === '{') depth += 1;
      if (c === '}') depth -= 1;
      i += 1;
    }
  }
  return i;
}

/** The raw SQL texts of a source file: sql`…` (with or without a type argument), sql.raw(…) and .execute(…) of a string. */
export function rawSqlOf(src: string): string[] {
  const texts: string[] = [];
  for (const m of src.matchAll(/\bsql\s*(?:<[^`;]*?>)?\s*`/g)) texts.push(templateAt(src, m.index! + m[0].length).text);
  for (const m of src.matchAll(/(?:\bsql\.raw|\.execute)\(\s*(['"`])/g)) {
    const start = m.index! + m[0].length;
    if (m[1] === '`') texts.push(templateAt(src, start).text);
    else texts.push(src.slice(start, src.indexOf(m[1]!, start)));
  }
  return texts;
}

/** Tables a piece of SQL reads or writes by name: after from, join, into, update, table. */
export function tablesNamed(text: string): string[] {
  const bare = text.replace(/--[^\n]*/g, ' ');
  return [...bare.matchAll(/\b(?:from|join|into|update|table)\s+(?:only\s+)?"?([a-z_][a-z0-9_]*)"?/gi)].map((m) => m[1]!.toLowerCase());
}

function findings(): string[] {
  const owners = tableOwners();
  const found = new Set<string>();
  const modules = readdirSync(join(ROOT, 'src'), { withFileTypes: true }).filter((e) => e.isDirectory() && !KERNEL_DIRS.has(e.name));
  for (const mod of modules) {
    for (const file of sources(`src/${mod.name}`)) {
      for (const text of rawSqlOf(readFileSync(join(ROOT, file), 'utf8'))) {
        for (const table of tablesNamed(text)) {
          const owner = owners.get(table);
          if (owner && owner !== mod.name && !KERNEL_SCHEMAS.has(owner)) found.add(`${file}: ${table} (${owner})`);
        }
      }
    }
  }
  return [...found].sort();
}

describe("modules name only their own tables in raw SQL", () => {
  it('reads every table and its owner from the schema files', () => {
    const owners = tableOwners();
    expect(owners.get('workers')).toBe('registry');
    expect(owners.get('deliveries')).toBe('outreach');
    expect(owners.get('accounts')).toBe('access');
    expect(owners.get('outbox')).toBe('events');
    expect(owners.get('job_fairs')).toBe('fairs');
  });

  it('finds table names in raw SQL, outside the values put into it', () => {
    const src = 'const a = sql<number>`select count(*) from workers w join ${regions} r on r.code = ${sql`(select 1 from households)`}`; db.execute(\'delete from deliveries\');';
    const texts = rawSqlOf(src);
    expect(texts.flatMap(tablesNamed).sort()).toEqual(['deliveries', 'households', 'workers']);
    expect(tablesNamed('select 1 -- from workers\nfrom subscriptions')).toEqual(['subscriptions']);
  });

  it("no module names another module's table, beyond the reasoned exceptions", () => {
    const found = findings();
    expect(found.filter((f) => !(f in ALLOWED))).toEqual([]);
    // An exception no longer needed is struck off, so the list stays as short as it can be.
    expect(Object.keys(ALLOWED).filter((k) => !found.includes(k))).toEqual([]);
  });
});
