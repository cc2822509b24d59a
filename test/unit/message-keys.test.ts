import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { LOCALES, readLocaleFiles } from '../../src/i18n';

const ROOT = resolve(__dirname, '..', '..');
const resources = readLocaleFiles();
const NAMESPACES = Object.keys(resources['zh-CN']!);

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'node_modules' || name === 'dist' ? [] : sourceFiles(path);
    return /\.tsx?$/.test(name) && !name.endsWith('.d.ts') ? [path] : [];
  });
}

/** A message key as written in code: the whole key, or only its start (before `${…}` in a template, or a group ending in `.`). */
interface Use {
  where: string;
  ns: string;
  key: string;
  /** Only the start of the key is known: some key must begin with it. */
  prefix: boolean;
}

const ns = NAMESPACES.join('|');
/** 'errors:detail.required', and `errors:detail.fair.${key}` up to its first placeholder. */
const SERVER_STATIC = new RegExp(`(['"\`])(${ns}):([A-Za-z0-9_.-]+)\\1`, 'g');
const SERVER_DYNAMIC = new RegExp(`\`(${ns}):([^\`$]*)\\$\\{`, 'g');
/** The console's t('nav.dashboard') and t(`fairs.statuses.${s}`), all in the console namespace. */
const CONSOLE_STATIC = /\bt\(\s*(['"])([A-Za-z0-9_.-]+)\1/g;
const CONSOLE_DYNAMIC = /\bt\(\s*`([^`$]*)\$\{/g;

function usesIn(file: string, console: boolean): Use[] {
  const text = readFileSync(file, 'utf8');
  const at = (index: number) => `${relative(ROOT, file)}:${text.slice(0, index).split('\n').length}`;
  const found: Use[] = [];
  for (const m of text.matchAll(SERVER_STATIC)) found.push({ where: at(m.index), ns: m[2]!, key: m[3]!, prefix: m[3]!.endsWith('.') });
  for (const m of text.matchAll(SERVER_DYNAMIC)) {
    // An import row's reason carries its values after `|` (`errors:detail.import.duplicate_in_file|12`): the key is whole.
    const [key, values] = m[2]!.split('|');
    found.push({ where: at(m.index), ns: m[1]!, key: key!, prefix: values === undefined });
  }
  if (console) {
    for (const m of text.matchAll(CONSOLE_STATIC)) found.push({ where: at(m.index), ns: 'console', key: m[2]!, prefix: false });
    for (const m of text.matchAll(CONSOLE_DYNAMIC)) found.push({ where: at(m.index), ns: 'console', key: m[1]!, prefix: true });
  }
  return found;
}

type Tree = Record<string, unknown>;
const nodeAt = (tree: Tree, path: string[]): unknown => path.reduce<unknown>((node, part) => (node && typeof node === 'object' ? (node as Tree)[part] : undefined), tree);

/** The key is there as a text, as plural forms (`key_one`, `key_other`), or as a group of texts asked for whole. */
function has(tree: Tree, use: Use): boolean {
  const parts = use.key.split('.');
  if (use.prefix) {
    const partial = parts.pop()!;
    const parent = nodeAt(tree, parts);
    return Boolean(parent && typeof parent === 'object' && Object.keys(parent).some((k) => k.startsWith(partial)));
  }
  const node = nodeAt(tree, parts);
  if (typeof node === 'string' || (node && typeof node === 'object')) return true;
  const last = parts.pop()!;
  const parent = nodeAt(tree, parts) as Tree | undefined;
  return Boolean(parent && typeof parent === 'object' && Object.keys(parent).some((k) => k === `${last}_one` || k === `${last}_other`));
}

describe('message keys', () => {
  const uses = [
    ...['src', 'bots', 'jobs'].flatMap((dir) => sourceFiles(join(ROOT, dir))).flatMap((f) => usesIn(f, false)),
    ...sourceFiles(join(ROOT, 'web', 'src')).flatMap((f) => usesIn(f, true)),
  ];

  it('finds the keys the code uses (so the check below cannot pass by finding none)', () => {
    expect(uses.filter((u) => !u.prefix).length).toBeGreaterThan(300);
    expect(uses.filter((u) => u.ns === 'console').length).toBeGreaterThan(300);
    expect(uses).toContainEqual(expect.objectContaining({ ns: 'errors', key: 'detail.required' }));
  });

  it.each(LOCALES)('every key used in src/, bots/, jobs/ and the console exists in %s', (lng) => {
    const missing = uses.filter((u) => !has(resources[lng]![u.ns]!, u)).map((u) => `${u.where} ${u.ns}:${u.key}${u.prefix ? '…' : ''}`);
    expect(missing).toEqual([]);
  });

  it.each(LOCALES)('every error code has its message in %s', (lng) => {
    const codes = [...readFileSync(join(ROOT, 'src', 'shared', 'errors.ts'), 'utf8').matchAll(/^\s*\| '([a-z_]+)'/gm)].map((m) => m[1]!);
    expect(codes).toContain('validation_failed');
    expect(codes.filter((code) => typeof resources[lng]!.errors![code] !== 'string')).toEqual([]);
  });
});
