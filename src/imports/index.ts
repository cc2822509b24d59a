/** The imports module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { closeReaders } from './bounded';
export { requeueQueuedImports } from './requeue';
export { importRoutes } from './routes';
export { executeImport, resumeStalledImports } from './service';
