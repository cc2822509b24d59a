/** The market module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { apply, type FairPostCheck, move, openOverdueWageCases, reportPayment } from './applications';
export { composeDueDigests, latestDigest } from './digests';
export { applicationsOf, enrolmentsOf, postTexts } from './history';
export { scopedEmployer } from './employers';
export { employerRegion } from './employer-region';
export { applicationOfWorker, applicationsOfWorker, openVacanciesInBox, trainingSession, vacancyWithEmployer } from './for-person';
export { majorFits } from './majors';
export { employerNamesAs, trainingStartsAs } from './market-sql';
export { distanceKm, type GraduateSource, matchesFor, type MatchOptions, type MatchPerson, monthlyPay, payText, scoreVacancy } from './matching';
export { anonymiseWorkers, personalDataOf } from './privacy';
export { GOVERNMENT_INVESTED, governmentInvested } from './project-kinds';
export { noteProject } from './projects';
export { applicationsAtFair, postsWithEmployers, vacancyStates, waitingAtFair } from './queries';
export { marketRoutes } from './routes';
export { reportWages } from './wage-reports';
export { cancelEnrolment, enrol } from './trainings';
export { expireVacancies, listVacancies } from './vacancies';
export { trainingEnrolmentDays } from './training-dates';
