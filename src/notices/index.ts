/** The notices module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { noticeRoutes } from './routes';
export { staffNoticesSql } from './notice-sql';
export { audienceOf, notify, PUSHED_KINDS } from './service';
