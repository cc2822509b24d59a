import type { MessagePort } from 'node:worker_threads';
import { DomainError } from '../shared/errors';
import type { ImportLimits } from './limits';
import { sendPackedSheet, type PackedSheet, type SheetPart } from './sheet';

export interface ReadTask {
  fileName: string;
  data: Uint8Array;
  limits: ImportLimits;
  /** Where everything read goes, in order (see `ReadPart`). */
  port: MessagePort;
}

/** Why the reader refused a file, as the service reports it. */
export interface Refusal {
  message: string;
  details: DomainError['details'];
  params: DomainError['params'];
}

/**
 * What goes through a task's port, in order: a CSV's parts as they are read (its layout, its rows, its end), or a
 * whole sheet (an XLSX, see `sendPackedSheet`); a refusal in place of whatever was still to come. The port is
 * closed by the side that listens.
 */
export type ReadPart = SheetPart | { sheet: PackedSheet } | { refusal: Refusal };

/**
 * Runs on the reading thread (see ./bounded): everything goes through the task's port. Any error other than a
 * refusal ends the task and is the caller's to judge.
 */
export default async function read(task: ReadTask): Promise<void> {
  const data = Buffer.from(task.data.buffer, task.data.byteOffset, task.data.byteLength);
  const send = (part: ReadPart) => task.port.postMessage(part, 'numbers' in part ? [part.numbers.buffer as ArrayBuffer] : []);
  try {
    const sheet = await sendPackedSheet(task.fileName, data, task.limits, send);
    if (sheet) send({ sheet });
  } catch (err) {
    if (!(err instanceof DomainError)) throw err;
    send({ refusal: { message: err.message, details: err.details, params: err.params } });
  }
}
