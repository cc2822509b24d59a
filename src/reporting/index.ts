/** The reporting module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { downloadedForm, remindDeadlines } from './calendar';
export { reportingRoutes } from './routes';
