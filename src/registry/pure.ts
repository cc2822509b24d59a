/*
 * The register's second, light front door, for worker threads: functions that only compute (check, encrypt with
 * a vault handed in, write COPY text), loading neither the database nor the routes. A thread that starts on
 * index.ts loads all of the module, which costs more than a chunk of rows; everything here is also on index.ts.
 */
export { workerCopyLine } from './copy-text';
export { prepareWorker, type PreparedWorker, type WorkerFields } from './prepare';
export { fromWord } from './vocab';
