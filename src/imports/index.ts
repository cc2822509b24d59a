/** The imports module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { closeReaders } from './bounded';
export { requeueQueuedImports } from './requeue';
export { importsUnderWay } from './under-way';
export { importRoutes } from './routes';
export { executeImport, resumeStalledImports } from './service';
