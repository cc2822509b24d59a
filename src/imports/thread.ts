import { DomainError } from '../shared/errors';
import type { ImportLimits } from './limits';
import { readPackedSheet, type PackedSheet } from './sheet';

export interface ReadTask {
  fileName: string;
  data: Uint8Array;
  limits: ImportLimits;
}

/** What the reading thread hands back: the sheet, or the refusal the reader decided on. */
export type ReadAnswer = { ok: true; sheet: PackedSheet } | { ok: false; refusal: { message: string; details: DomainError['details']; params: DomainError['params'] } };

/** Runs on the reading thread (see ./bounded). Any other error ends the task and is the caller's to judge. */
export default async function read(task: ReadTask): Promise<ReadAnswer> {
  const data = Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength);
  try {
    return { ok: true, sheet: await readPackedSheet(task.fileName, data, task.limits) };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, refusal: { message: err.message, details: err.details, params: err.params } };
    throw err;
  }
}
