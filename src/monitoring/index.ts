/** The monitoring module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { integrityReview } from './integrity';
export { projectLinksSql } from './link-sql';
export { judgeRelocationShare } from './project-people';
export { endSpellsWithRecords } from './project-workers';
export { dailyReport, monthlyBulletin } from './reports';
export { monitoringRoutes } from './routes';
export { closePreviousMonth } from './service';
export { weeklyDispatch } from './targets';
export { closeHouseholdCase, closePaymentOverdue, personWarnings, regionWarnings } from './warnings';
