import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { brotliDecompress } from 'node:zlib';

/** One row of China's administrative divisions (统计用区划代码). */
export interface DivisionRow {
  code: string;
  name: string;
  level: 1 | 2 | 3 | 4 | 5;
  parentCode: string | null;
}

/**
 * The divisions ship with the service in `src/regions/divisions/` (copied beside the compiled code by
 * `npm run build`): one file per province, `<province code>.tsv.br`, made by `npm run regions:generate`
 * from the source named in `source.json`. Each file is Brotli-compressed UTF-8 text, one division a line,
 * `code<TAB>name`, sorted by code: a division is followed at once by everything under it, so its subtree
 * is one run of lines. Level and parent follow from the code itself, whose length grows 2 → 4 → 6 → 9 → 12
 * digits and whose prefix is the parent's code (53 → 5325 → 532528 → 532528101 → 532528101201).
 */
export const DIVISIONS_DIR = join(__dirname, 'divisions');

/** Code length of each level, province (1) to village (5). */
export const CODE_LENGTHS = [2, 4, 6, 9, 12] as const;

const FILE_RE = /^(\d{2})\.tsv\.br$/;

const unbrotli = promisify(brotliDecompress);

/** Level of a code by its length, or undefined for a length no division has. */
export function levelOf(code: string): DivisionRow['level'] | undefined {
  const i = (CODE_LENGTHS as readonly number[]).indexOf(code.length);
  return i < 0 ? undefined : ((i + 1) as DivisionRow['level']);
}

/** The parent's code: the code cut to the length of the level above, null for a province. */
export function parentOf(code: string, level: DivisionRow['level']): string | null {
  return level === 1 ? null : code.slice(0, CODE_LENGTHS[level - 2]);
}

/** Turns one line of a province file into a row; throws on a line the generator could not have written. */
export function parseDivisionLine(line: string, file: string): DivisionRow {
  const tab = line.indexOf('\t');
  const code = tab < 0 ? '' : line.slice(0, tab);
  const name = tab < 0 ? '' : line.slice(tab + 1);
  const level = /^\d+$/.test(code) ? levelOf(code) : undefined;
  if (!level || !name) throw new Error(`${file}: unreadable division line ${JSON.stringify(line.slice(0, 80))}`);
  return { code, name, level, parentCode: parentOf(code, level) };
}

/** The province codes that have a file, in order. */
export async function provinceFiles(dir: string = DIVISIONS_DIR): Promise<string[]> {
  const names = await readdir(dir);
  return names
    .map((n) => FILE_RE.exec(n)?.[1])
    .filter((c): c is string => c !== undefined)
    .sort();
}

/** Every line of one province's file, decompressed. */
export async function readProvinceLines(province: string, dir: string = DIVISIONS_DIR): Promise<string[]> {
  const file = `${province}.tsv.br`;
  const text = (await unbrotli(await readFile(join(dir, file)))).toString('utf8');
  return text.split('\n').filter((l) => l.length > 0);
}

/**
 * The divisions whose code starts with `prefix` (e.g. '5325' for Honghe prefecture), with their
 * ancestors (its province and prefecture) first, down to `maxLevel` (5 = villages). A parent always
 * comes before its children.
 */
export async function* readDivisions(prefix: string, maxLevel: DivisionRow['level'] = 5, dir: string = DIVISIONS_DIR): AsyncGenerator<DivisionRow> {
  for (const province of await provinceFiles(dir)) {
    // Only the province the prefix lies in (or all of them for an empty prefix).
    if (!(province.startsWith(prefix) || prefix.startsWith(province))) continue;
    let inside = false;
    for (const line of await readProvinceLines(province, dir)) {
      const row = parseDivisionLine(line, `${province}.tsv.br`);
      const under = row.code.startsWith(prefix);
      // Sorted by code: once past the prefix's run, nothing further in this file is under it.
      if (inside && !under) break;
      inside ||= under;
      if (row.level > maxLevel) continue;
      if (under || prefix.startsWith(row.code)) yield row;
    }
  }
}
