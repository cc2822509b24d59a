/** The outreach module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { fireStep, noteReply, type PlannedStep, scheduleSteps, startAndSchedule, startFollowUp, stopFollowUps, sweepFollowUps } from './follow-ups';
export { botAccounts, contactsOfAccount, type Door, type DoorKind, firedSteps, moveDoors, runningFollowUp, type SendingAccount, type Subscription, subscriptionOf, workerOfDoors } from './doors';
export { deliveriesTo, lastFairToldTo } from './history';
export { digestChannel, digestMade, digestNewsPage, type DigestItem, fileDigest, latestSentDigest, waitingNews } from './digests';
export { acquire, beat, fence, heldElsewhere, type HeldLease, leave, newHolderId, release, renew } from './lease';
export { accessToken } from './mini-program';
export { rememberInbound, sendCustomText } from './official-account';
export { ensureDefaultAccount, goOffline, goOnline, type LiveAccount, poolChannel, setAccountStatus, watchLeases } from './pool';
export { previewOf } from './preview';
export { shanghaiDayStart } from './quiet';
export { requeueFromDatabase } from './recovery';
export { holdChannel, processChannels } from './registry';
export { outreachRoutes } from './routes';
export { BroadcastPreview, SubscriptionPut, SubscriptionView, type Topic } from './schemas';
export { announce, announceVacancy, deliver, fanOut, getSubscription, markExhausted, postToGroup, putSubscription, startBroadcastIn, sweepDeliveries } from './service';
export { recordReports, settleDeliveries } from './settle';
export { pullSmsReports } from './sms-reports';
export { miniProgramPushDoor, readRawBody, signatureOk } from './wechat-push';
