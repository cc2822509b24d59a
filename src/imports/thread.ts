import type { MessagePort } from 'node:worker_threads';
import { DomainError } from '../shared/errors';
import type { ImportLimits } from './limits';
import { readPackedSheet, sendPackedSheet, type PackedSheet, type SheetPart } from './sheet';

export interface ReadTask {
  fileName: string;
  data: Uint8Array;
  limits: ImportLimits;
  /** Where everything read goes, in order, instead of in the answer (see `ReadPart`). */
  port?: MessagePort;
}

/** Why the reader refused a file, as the service reports it. */
export interface Refusal {
  message: string;
  details: DomainError['details'];
  params: DomainError['params'];
}

/** What the reading thread hands back: the sheet, or the refusal the reader decided on. */
export type ReadAnswer = { ok: true; sheet: PackedSheet } | { ok: false; refusal: Refusal };

/**
 * What goes through a task's port, in order: a CSV's parts as they are read (its layout, its rows, its end), or a
 * whole sheet (an XLSX, see `sendPackedSheet`); a refusal in place of whatever was still to come. The port is
 * closed by the side that listens.
 */
export type ReadPart = SheetPart | { sheet: PackedSheet } | { refusal: Refusal };

const refusalOf = (err: DomainError): Refusal => ({ message: err.message, details: err.details, params: err.params });

/**
 * Runs on the reading thread (see ./bounded). Any other error ends the task and is the caller's to judge. With a
 * port there is no answer: everything went through the port.
 */
export default async function read(task: ReadTask): Promise<ReadAnswer | undefined> {
  const data = Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength);
  const port = task.port;
  if (port) {
    const send = (part: ReadPart) => port.postMessage(part, 'numbers' in part ? [part.numbers.buffer as ArrayBuffer] : []);
    try {
      const sheet = await sendPackedSheet(task.fileName, data, task.limits, send);
      if (sheet) send({ sheet });
    } catch (err) {
      if (!(err instanceof DomainError)) throw err;
      send({ refusal: refusalOf(err) });
    }
    return undefined;
  }
  try {
    return { ok: true, sheet: await readPackedSheet(task.fileName, data, task.limits) };
  } catch (err) {
    if (err instanceof DomainError) return { ok: false, refusal: refusalOf(err) };
    throw err;
  }
}
