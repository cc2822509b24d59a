/** The fairs module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { onPromoted, onSignedUp, onSignupCancelled } from './handlers';
export { fairsHeld } from './held';
export { fairSignupsSql } from './signup-sql';
export { personalDataOf } from './privacy';
export { checkinPage, fairRoutes } from './routes';
export { cancelSignup, checkIn, fairByCode, fairCarries, fairPost, fairsClock, fairsForWorker, getFair, liveFairFor, signUp, signupsOf } from './service';
