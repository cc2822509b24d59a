import type { Cell } from './read';

/**
 * The columns of 农村贫困劳动力就业信息表 (seed 003) and the extra ones stations add, with the
 * header words seen in real files. Headers are compared after `normalizeHeader`.
 */
export const COLUMNS = {
  name: ['姓名'],
  sex: ['性别'],
  idNumber: ['证件号码', '身份证号码', '身份证号', '公民身份号码', '身份证件号码'],
  ethnicity: ['民族'],
  politicalStatus: ['政治面貌'],
  education: ['文化程度', '学历'],
  health: ['健康状况', '身体状况'],
  laborCapacity: ['劳动能力', '劳动技能'],
  phone: ['联系方式', '联系电话', '手机号码', '手机号', '电话'],
  employed: ['是否已就业', '是否就业', '就业状态'],
  place: ['就业地点', '务工地点', '就业地址'],
  employer: ['就业单位名称', '就业单位', '务工单位', '单位名称'],
  employmentDate: ['就业时间', '务工时间', '就业日期'],
  income: ['月收入', '月均收入', '月工资', '月收入元'],
  intention: ['就业意向', '未就业人员就业意向'],
  serviceNeeds: ['就业服务需求', '服务需求', '未就业人员就业服务需求'],
  notTransferredReason: ['未转移就业原因', '未就业原因', '未外出务工原因'],
  category: ['人员类别', '人口类别', '类别', '人员类型'],
  monitoringType: ['监测类型', '监测对象类型'],
  regionCode: ['行政区划代码', '区划代码', '村代码', '所在村代码'],
  skills: ['技能', '技能特长', '专业技能'],
  householdHeadId: ['户主证件号码', '户主身份证号码', '户主身份证号'],
  relocated: ['是否易地搬迁', '易地搬迁户', '是否搬迁户'],
  // 雨露计划 graduate lists from the education and rural revitalisation offices.
  school: ['就读学校', '学校名称', '学校', '就读院校', '院校名称', '毕业学校', '毕业院校', '院校'],
  major: ['专业', '所学专业', '就读专业', '专业名称'],
  schoolLevel: ['学校层次', '就读层次', '办学层次', '学历层次', '院校类别', '学校类别', '学段'],
  enrolledOn: ['入学时间', '入学年月', '入学日期', '入学年份'],
  expectedGraduation: ['预计毕业时间', '毕业时间', '毕业年月', '毕业日期', '预计毕业年月', '毕业年份'],
} as const;

export type ColumnKey = keyof typeof COLUMNS;

/** Full-width to half-width, no spaces, no line breaks, no `*` marks, no hints in brackets. */
export function normalizeHeader(raw: Cell): string {
  if (raw === null || raw === undefined) return '';
  return String(raw)
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\([^)]*\)|（[^）]*）|\[[^\]]*\]|【[^】]*】/g, '')
    .replace(/[\s\u3000*※:：]/g, '')
    .trim();
}

const LOOKUP = new Map<string, ColumnKey>();
for (const [key, words] of Object.entries(COLUMNS) as Array<[ColumnKey, readonly string[]]>) {
  for (const w of words) LOOKUP.set(normalizeHeader(w), key);
}

export function columnFor(header: string): ColumnKey | undefined {
  return LOOKUP.get(header);
}

export interface HeaderLayout {
  /** 0-based index of the last header row; data starts on the next row. */
  lastHeaderRow: number;
  /** Column index → which field it holds. */
  columns: Map<number, ColumnKey>;
  /** Column index → the header as written, for the report. */
  headers: Map<number, string>;
  unknownHeaders: string[];
}

/**
 * Finds the header among the first rows: the row (or two rows, when a merged group header such as
 * 就业情况 sits above its sub-columns) whose cells name the most known columns.
 */
export function findHeader(grid: Cell[][], scan = 12): HeaderLayout | undefined {
  let best: HeaderLayout | undefined;
  let bestScore = 0;
  for (let i = 0; i < Math.min(scan, grid.length); i++) {
    for (const span of [1, 2]) {
      if (span === 2 && i + 1 >= grid.length) continue;
      const top = grid[i] ?? [];
      const bottom = span === 2 ? (grid[i + 1] ?? []) : [];
      const width = Math.max(top.length, bottom.length);
      const columns = new Map<number, ColumnKey>();
      const headers = new Map<number, string>();
      const unknownHeaders: string[] = [];
      for (let c = 0; c < width; c++) {
        const below = span === 2 ? normalizeHeader(bottom[c] ?? null) : '';
        const above = normalizeHeader(top[c] ?? null);
        const h = below || above;
        if (!h) continue;
        const key = columnFor(h) ?? (below ? columnFor(above) : undefined);
        if (key && ![...columns.values()].includes(key)) {
          columns.set(c, key);
          headers.set(c, String((span === 2 && bottom[c]) || top[c]).trim());
        } else if (!key) unknownHeaders.push(h);
      }
      const score = columns.size;
      if (score > bestScore) {
        bestScore = score;
        best = { lastHeaderRow: i + span - 1, columns, headers, unknownHeaders };
      }
    }
  }
  return best && bestScore >= 3 ? best : undefined;
}

/** The header as written over the column that holds `key`, for a report; null when the file has no such column. */
export function columnHeader(layout: HeaderLayout, key: ColumnKey | undefined): string | null {
  if (!key) return null;
  for (const [c, k] of layout.columns) if (k === key) return layout.headers.get(c) ?? null;
  return null;
}
