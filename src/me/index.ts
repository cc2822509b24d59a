/** The me module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { workerRealm } from './auth';
export { anonymiseWorkers, sessionIdsOf } from './privacy';
export { meRoutes } from './routes';
