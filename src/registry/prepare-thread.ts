import { workerData } from 'piscina';
import { PiiVault, type VaultKeys } from '../pii/vault';
import { prepareWorker, type WorkerFields } from './prepare';

/*
 * Runs on a thread of ./prepare-pool: checks and encrypts people's fields with the same keys as the vault
 * that started it (handed over once, in workerData). Loads nothing but ./prepare and the PII helpers.
 */
const vault = new PiiVault((workerData as { keys: VaultKeys }).keys);

export interface PrepareTask {
  fields: WorkerFields[];
  today: Date;
}

export default function prepare(task: PrepareTask): Array<ReturnType<typeof prepareWorker>> {
  return task.fields.map((f) => prepareWorker(f, vault, task.today));
}
