import type { PreparedWorker } from './prepare';

/*
 * A new person's values as COPY text, made where the row is checked and encrypted (an import's preparing
 * thread): nothing here reaches a database.
 */

/** A PostgreSQL array literal of strings, e.g. {"保洁","电焊"}. */
export function pgTextArray(xs: readonly string[] | null | undefined): string {
  if (!xs || !xs.length) return '{}';
  return `{${xs.map((x) => `"${x.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join(',')}}`;
}

/** One value in COPY's text format. */
export function copyText(v: unknown): string {
  if (v === null || v === undefined) return '\\N';
  const text = Array.isArray(v) ? pgTextArray(v as string[]) : typeof v === 'boolean' ? (v ? 't' : 'f') : `${v as string | number}`;
  if (!/[\\\t\n\r]/.test(text)) return text;
  return text.replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

/**
 * The columns of a new person's line of COPY text that do not depend on where it is written (all but its id,
 * household and times), in COPY's order, as `bulkInsertWorkers` writes them.
 */
export const LINE_COLUMNS: Array<[string, (r: PreparedWorker, employed: boolean) => unknown]> = [
  ['name', (r) => r.name], ['sex', (r) => r.sex],
  ['birth_date', (r) => r.birthDate], ['id_number_enc', (r) => r.idNumberEnc], ['id_number_hash', (r) => r.idNumberHash],
  ['id_number_masked', (r) => r.idNumberMasked], ['phone_enc', (r) => r.phoneEnc], ['phone_hash', (r) => r.phoneHash],
  ['phone_masked', (r) => r.phoneMasked], ['ethnicity', (r) => r.ethnicity], ['political_status', (r) => r.politicalStatus],
  ['education', (r) => r.education], ['health', (r) => r.health], ['labor_capacity', (r) => r.laborCapacity ?? 'full'],
  ['category', (r) => r.category ?? 'lifted'], ['monitoring_type', (r) => r.monitoringType], ['employed', (_r, employed) => employed],
  ['intention', (r) => r.intention], ['service_needs', (r) => r.serviceNeeds ?? []], ['skills', (r) => r.skills ?? []],
  ['region_code', (r) => r.regionCode], ['home_lat', (r) => r.homeLat], ['home_lng', (r) => r.homeLng],
  ['preferred_language', (r) => r.preferredLanguage ?? 'zh-CN'], ['pay_floor_fen', (r) => r.payFloorFen], ['content_hash', (r) => r.contentHash],
  ['not_transferred_reason', (r) => r.notTransferredReason], ['consent', () => false],
];

/**
 * A new person's values in COPY's text format, but for its id, household and times, which `copyInsertWorkerLines`
 * adds: made where the row is checked and encrypted (an import's preparing thread), so the row itself never
 * has to travel.
 */
export function workerCopyLine(r: PreparedWorker, employed: boolean): string {
  let line = '';
  for (let i = 0; i < LINE_COLUMNS.length; i++) line += (i ? '\t' : '') + copyText(LINE_COLUMNS[i]![1](r, employed));
  return line;
}
