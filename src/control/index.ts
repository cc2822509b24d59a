/** The control module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { type ControlHandlers, serveControl } from './server';
export { controlSocketPath } from './socket';
