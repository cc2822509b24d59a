/** The backup module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { dailyBackup } from './daily';
export { lastBackupSuccess, noteBackupSuccess } from './record';
export { makeBackup } from './service';
