/** The policies module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { policyNoticeTextsSql } from './notice-text-sql';
export { policyRoutes } from './routes';
export { announceEndings, announcePolicyJob, checklistFor, ensureCatalogue, shortList, tellNewlyEligible } from './service';
