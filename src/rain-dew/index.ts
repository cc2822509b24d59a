/** The rain-dew module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { seekingGraduates } from './graduates';
export { applyImportedFiles, fileChanges, filesOf, type ImportedFile, type SchoolFacts } from './imported';
export { anonymiseWorkers, personalDataOf } from './privacy';
export { openQuestion } from './questions';
export { rainDewRoutes } from './routes';
export { recordContact } from './service';
export { followJob, graduateDue } from './status';
export { withRainDewFileIn } from './files-in';
