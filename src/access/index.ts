/** The access module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { auditRoutes } from './audit-routes';
export { type HashCost, hashPassword } from './password';
export { anyAccount, createAccount, createStation, findAccount } from './queries';
export { BOARD_PATH, queueBoard } from './queue-board';
export { staffNames } from './staff';
export { staffAccounts } from './staff-sql';
export { accessRoutes, accountRoutes } from './routes';
export { authenticate, purgeDeadSessions } from './service';
export { ensureServiceAccount, isStaffContact, stationRegion } from './service-accounts';
export { optOutStaffPhone, staffChatDoor, staffPhoneOf, staffPhonesOf } from './staff-phones';
export { tokenDigest } from './tokens';
export { bindStaffContact, STAFF_CODE_MINUTES, staffForContact, triesKeyOf, unbindStaffWechat } from './wechat';
