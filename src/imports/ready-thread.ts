import { workerData } from 'piscina';
import { PiiVault, type VaultKeys } from '../pii/vault';
import { encodeLines, readyRow, type ReadyOptions, type RowResult } from './ready';

/*
 * Runs on a thread of ./ready-pool: parses, checks and encrypts a slice of a sheet's rows with the same keys
 * as the vault that started it (handed over once, in workerData; never in a task, a log or an error).
 */
const vault = new PiiVault((workerData as { keys: VaultKeys }).keys);

export interface ReadyTask extends ReadyOptions {
  /** Spreadsheet row numbers. */
  numbers: number[];
  /** Each row's cells, packed (see ./cells). */
  cells: string[];
  /** Place of the first row among the sheet's data rows. */
  from: number;
}

export default function ready(task: ReadyTask): RowResult[] {
  const out: RowResult[] = [];
  for (let i = 0; i < task.cells.length; i++) out.push(readyRow(task.cells[i]!, task.numbers[i]!, task.from + i, vault, task));
  return encodeLines(out);
}
