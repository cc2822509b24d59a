import { types } from 'node:util';
import { normalizeResidentId } from '../pii/resident-id';
import { type WorkerFields, fromWord } from '../registry/pure';
import type { SchoolFacts } from '../rain-dew';
import type { ColumnKey, HeaderLayout } from './columns';
import type { Cell } from './read';

/** A date read on the reading thread arrives from another realm, where `instanceof Date` would not see it. */
const isDate = (v: unknown): v is Date => types.isDate(v);

export interface RowProblem {
  column: string | null;
  /** A locale key under errors:detail. */
  reason: string;
}


export interface ParsedRow {
  /** The row number a person sees in the spreadsheet (1-based). */
  row: number;
  fields?: WorkerFields;
  employment?: { employed: boolean; employerName: string | null; place: string | null; startDate: string | null; monthlyIncomeFen: number | null };
  householdHeadId?: string;
  relocated?: boolean;
  /** The school columns of a Rain Dew graduate list, when the row gives them. */
  rainDew?: SchoolFacts;
  /** The fields this row actually gives (a non-empty cell); an existing person keeps the others. */
  given: Set<keyof WorkerFields>;
  problems: RowProblem[];
}

const WIDE = /[\u3000\uFF01-\uFF5E]/;

/** Full-width to half-width and trimmed; null for an empty cell. */
export function text(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined) return null;
  if (isDate(cell)) return cell.toISOString().slice(0, 10);
  const raw = String(cell);
  // Most cells have nothing to turn half-width: only trimmed.
  if (!WIDE.test(raw) && !raw.includes('\u0000')) {
    const t = raw.trim();
    return t === '' ? null : t;
  }
  const s = raw
    .replaceAll('\u0000', '')
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim();
  return s === '' ? null : s;
}

const YES = new Set(['是', '有', 'y', 'yes', '1', 'true', '√', '已就业', '就业']);
const NO = new Set(['否', '无', 'n', 'no', '0', 'false', '×', '未就业', '失业']);

export function yesNo(cell: Cell | undefined): boolean | null | 'invalid' {
  const s = text(cell)?.toLowerCase();
  if (!s) return null;
  if (YES.has(s)) return true;
  if (NO.has(s)) return false;
  return 'invalid';
}

/** Excel's day 0 is 1899-12-30 (it counts a 29 February 1900 that never was). */
function fromSerial(n: number): string | null {
  if (!Number.isFinite(n) || n < 1 || n > 80000) return null;
  const ms = Date.UTC(1899, 11, 30) + Math.round(n) * 86400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

function validDate(y: number, m: number, d: number): string | null {
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1950 || y > 2100 || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d) return null;
  return date.toISOString().slice(0, 10);
}

/**
 * Reads the dates people type: 2023-05-01, 2023/5/1, 2023.5.1, 2023年5月1日, 2023年5月, 2023.5,
 * 202305, 20230501, an Excel serial number or a real date cell. A month alone means its first day.
 */
/** A date as yyyy-mm-dd, null when empty, or the word 'invalid'. */
export function parseDate(cell: Cell | undefined): string | null {
  if (cell === null || cell === undefined || cell === '') return null;
  if (isDate(cell)) return Number.isNaN(cell.getTime()) ? 'invalid' : new Date(cell.getTime() + 8 * 3600_000).toISOString().slice(0, 10);
  if (typeof cell === 'number') return (cell > 190000 ? dateFromDigits(String(cell)) : fromSerial(cell)) ?? 'invalid';
  const s = text(cell);
  if (!s) return null;
  if (/^\d{5}(\.\d+)?$/.test(s)) return fromSerial(Number(s)) ?? 'invalid';
  const digits = dateFromDigits(s);
  if (digits) return digits;
  const m = /^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(\d{1,2})\s*日?|月)?$/.exec(s);
  if (!m) return 'invalid';
  return validDate(Number(m[1]), Number(m[2]), m[3] ? Number(m[3]) : 1) ?? 'invalid';
}

function dateFromDigits(s: string): string | null {
  if (/^\d{8}$/.test(s)) return validDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), Number(s.slice(6, 8)));
  if (/^\d{6}$/.test(s)) return validDate(Number(s.slice(0, 4)), Number(s.slice(4, 6)), 1);
  return null;
}

/** Yuan as written (1,500 / 1500元 / 1500.5) to integer fen. */
export function parseYuan(cell: Cell | undefined): number | null | 'invalid' {
  const s = text(cell)?.replace(/[,，元\s]/g, '');
  if (!s) return null;
  if (!/^\d+(\.\d{1,2})?$/.test(s)) return 'invalid';
  return Math.round(Number(s) * 100);
}

const LEVELS: Array<[RegExp, SchoolFacts['level']]> = [
  [/技工|技师|技校/, 'technician'],
  [/高职|大专|专科|高等职业/, 'higher_vocational'],
  [/中职|中专|职高|职业高中|中等职业/, 'secondary_vocational'],
  [/其他|其它/, 'other'],
];

/** A school date: as parseDate, or a year alone (2025), read as the usual day (September for enrolment, July for graduation). */
/** As parseDate; a year alone takes `monthDay`. */
function schoolDate(cell: Cell | undefined, monthDay: string): string | null {
  const s = text(cell);
  const year = s ? /^(\d{4})\s*年?$/.exec(s) : null;
  if (year) return Number(year[1]) >= 1950 && Number(year[1]) <= 2100 ? `${year[1]}-${monthDay}` : 'invalid';
  return parseDate(cell);
}

function list(cell: Cell | undefined): string[] {
  return (text(cell) ?? '').split(/[,，、;；/\s]+/).map((x) => x.trim()).filter(Boolean);
}

const columnIndex = new WeakMap<HeaderLayout, Map<ColumnKey, number>>();

/** Which column holds each field, worked out once per layout (a file's rows all share one). */
function columnsOf(layout: HeaderLayout): Map<ColumnKey, number> {
  let index = columnIndex.get(layout);
  if (!index) {
    index = new Map();
    for (const [c, k] of layout.columns) if (!index.has(k)) index.set(k, c);
    columnIndex.set(layout, index);
  }
  return index;
}

/**
 * Turns one spreadsheet row into worker fields, or says for each bad cell what is wrong with it. `defaultRegion`
 * is the home of rows without a 行政区划代码 column; a code given in the file may be anywhere in `scope`.
 */
export function parseRow(cells: Cell[], rowNumber: number, layout: HeaderLayout, defaultRegion: string, scope: string = defaultRegion): ParsedRow {
  const at = columnsOf(layout);
  const get = (key: ColumnKey): Cell | undefined => {
    const c = at.get(key);
    return c === undefined ? undefined : cells[c];
  };
  const header = (key: ColumnKey): string => {
    const c = at.get(key);
    return (c === undefined ? undefined : layout.headers.get(c)) ?? key;
  };
  const problems: RowProblem[] = [];
  const word = <K extends 'sex' | 'laborCapacity' | 'health' | 'intention' | 'category' | 'monitoringType'>(kind: K, key: ColumnKey) => {
    const t = text(get(key));
    if (!t) return undefined;
    const v = fromWord(kind, t);
    if (v === undefined) problems.push({ column: header(key), reason: `errors:detail.import.unknown_${kind}` });
    return v as string | undefined;
  };

  const name = text(get('name'));
  if (!name) problems.push({ column: header('name'), reason: 'errors:field.required' });
  const idRaw = text(get('idNumber'));
  if (!idRaw) problems.push({ column: header('idNumber'), reason: 'errors:field.required' });
  const sex = word('sex', 'sex');
  const laborCapacity = word('laborCapacity', 'laborCapacity');
  const health = word('health', 'health');
  const intention = word('intention', 'intention');
  const category = word('category', 'category');
  const monitoringType = word('monitoringType', 'monitoringType');

  const regionRaw = text(get('regionCode'));
  let regionCode = defaultRegion;
  if (regionRaw) {
    if (!/^(\d{6}|\d{9}|\d{12})$/.test(regionRaw)) problems.push({ column: header('regionCode'), reason: 'errors:detail.region_code' });
    else if (!regionRaw.startsWith(scope)) problems.push({ column: header('regionCode'), reason: 'errors:detail.region_out_of_scope' });
    else regionCode = regionRaw;
  }

  const employed = yesNo(get('employed'));
  if (employed === 'invalid') problems.push({ column: header('employed'), reason: 'errors:detail.import.yes_no' });
  const startDate = parseDate(get('employmentDate'));
  if (startDate === 'invalid') problems.push({ column: header('employmentDate'), reason: 'errors:detail.import.date' });
  const income = parseYuan(get('income'));
  if (income === 'invalid') problems.push({ column: header('income'), reason: 'errors:detail.import.money' });
  const employerName = text(get('employer'));
  const place = text(get('place'));
  if (employed === true && startDate === null && layout.columns.size > 0) {
    problems.push({ column: header('employmentDate'), reason: 'errors:detail.import.employment_date_required' });
  }
  const relocated = yesNo(get('relocated'));
  if (relocated === 'invalid') problems.push({ column: header('relocated'), reason: 'errors:detail.import.yes_no' });
  const headRaw = text(get('householdHeadId'));

  // School columns: a row naming a school or a major is a Rain Dew student's and must give both, and the graduation date.
  let rainDew: SchoolFacts | undefined;
  const school = text(get('school'));
  const major = text(get('major'));
  if (school || major) {
    if (!school) problems.push({ column: header('school'), reason: 'errors:field.required' });
    if (!major) problems.push({ column: header('major'), reason: 'errors:field.required' });
    const levelText = text(get('schoolLevel'));
    const level = levelText ? LEVELS.find(([re]) => re.test(levelText))?.[1] : 'other';
    if (!level) problems.push({ column: header('schoolLevel'), reason: 'errors:detail.import.unknown_school_level' });
    const enrolledOn = schoolDate(get('enrolledOn'), '09-01');
    if (enrolledOn === 'invalid') problems.push({ column: header('enrolledOn'), reason: 'errors:detail.import.date' });
    const graduation = schoolDate(get('expectedGraduation'), '07-01');
    if (graduation === 'invalid') problems.push({ column: header('expectedGraduation'), reason: 'errors:detail.import.date' });
    else if (graduation === null) problems.push({ column: header('expectedGraduation'), reason: 'errors:field.required' });
    else if (enrolledOn && enrolledOn !== 'invalid' && graduation < enrolledOn) problems.push({ column: header('expectedGraduation'), reason: 'errors:detail.import.graduation_before_enrolment' });
    if (school && major && level && enrolledOn !== 'invalid' && graduation && graduation !== 'invalid') {
      rainDew = { school: school.slice(0, 100), major: major.slice(0, 60), level, enrolledOn, expectedGraduation: graduation };
    }
  }

  const result: ParsedRow = { row: rowNumber, problems, given: new Set() };
  if (problems.length || !name || !idRaw) return result;
  result.fields = {
    name,
    idNumber: normalizeResidentId(idRaw),
    phone: text(get('phone')),
    sex: (sex as WorkerFields['sex']) ?? null,
    ethnicity: text(get('ethnicity')),
    politicalStatus: text(get('politicalStatus')),
    education: text(get('education')),
    health: (health as WorkerFields['health']) ?? null,
    laborCapacity: (laborCapacity as WorkerFields['laborCapacity']) ?? 'full',
    // A type with no category is a monitored person; new records take the 2026 name 防止返贫致贫对象.
    category: (category as WorkerFields['category']) ?? (monitoringType ? 'at_risk' : 'lifted'),
    monitoringType: (monitoringType as WorkerFields['monitoringType']) ?? null,
    intention: (intention as WorkerFields['intention']) ?? null,
    notTransferredReason: text(get('notTransferredReason'))?.slice(0, 100) ?? null,
    serviceNeeds: list(get('serviceNeeds')),
    skills: list(get('skills')),
    regionCode,
  };
  if (employed !== null && employed !== 'invalid') {
    result.employment = {
      employed,
      employerName,
      place,
      startDate: startDate === 'invalid' ? null : startDate,
      monthlyIncomeFen: income === 'invalid' ? null : income,
    };
  }
  if (headRaw) result.householdHeadId = normalizeResidentId(headRaw);
  if (rainDew) result.rainDew = rainDew;
  if (relocated === true || relocated === false) result.relocated = relocated;
  const cellOf: Partial<Record<keyof WorkerFields, ColumnKey>> = {
    phone: 'phone', sex: 'sex', ethnicity: 'ethnicity', politicalStatus: 'politicalStatus', education: 'education', health: 'health',
    laborCapacity: 'laborCapacity', category: 'category', monitoringType: 'monitoringType', intention: 'intention', notTransferredReason: 'notTransferredReason',
    serviceNeeds: 'serviceNeeds', skills: 'skills', regionCode: 'regionCode',
  };
  result.given = new Set(['name', 'idNumber']);
  for (const [field, column] of Object.entries(cellOf) as Array<[keyof WorkerFields, ColumnKey]>) if (text(get(column)) !== null) result.given.add(field);
  return result;
}

export function isBlank(cells: Cell[] | undefined): boolean {
  return !cells || cells.every((c) => text(c) === null);
}
