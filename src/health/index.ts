/** The health module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { healthRouter } from './routes';
