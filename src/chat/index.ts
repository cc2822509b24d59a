/** The chat module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { anonymiseWorkers } from './privacy';
export { chatRoutes } from './routes';
export { openFollowUpTask, openMonitoringTask } from './tasks';
export { chatActor, maskNumbers, requestHelp, setHome } from './service';
