/** The privacy module's front door: a person's rights over their data, across every module that keeps some (each anonymises and gives out its own); what the jobs and the server may use. */
export { anonymiseDeparted, markLeft, personalData } from './retention';
export { privacyRoutes } from './routes';
