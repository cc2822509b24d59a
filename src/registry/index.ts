/** The registry module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { bulkInsertJobs, bulkInsertWorkers } from './bulk';
export { bulkGrantConsent, bulkInsertHouseholds } from './bulk-people';
export { CONSENT_NOTICE_VERSION, recordConsent } from './consent';
export { activeMembersOf, householdOf } from './members';
export { addEmploymentRecord, findEmploymentRecord, inWorkOn, lockWorker, markEmployed, sameWorkRecords, setEmploymentEnd } from './spells';
export { existingFields, type PreparedWorker, prepareWorker, type WorkerFields } from './prepare';
export { isActiveWorker, setIntention, setPreferredLanguage, type Worker, workerStatus } from './person';
export { phoneOf, phonesOf, workersWithPhone } from './phones';
export { termEndOf } from './public-welfare';
export { employedAmong, employmentHistory, trainingHistory, workerNames } from './records';
export { createHouseholdsByHead, type EmploymentRecord, endImportedJob, householdsByHeads, openJobsOf, setHouseholdRelocated, startImportedJob, updateFromImport, workersByIdHashes } from './imported';
export { inRegion, regionExists, VILLAGE_LEVEL } from './queries';
export { currentEmployment, findWorker } from './queries';
export { anonymiseDeparted } from './retention';
export { exportRoutes, registryRoutes } from './routes';
export { NO_DEFAULTS, WorkerCreate } from './schemas';
export { createWorker, startEmployment, startEmploymentIn, updateWorker } from './service';
export { CATEGORY, type Category, fromWord, HEALTH, type Health, INTENTION, type Intention, isMonitoredCategory, LABOR_CAPACITY, type LaborCapacity, type MonitoringType, SEX, type Sex, withBothNames } from './vocab';
