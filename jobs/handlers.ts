import type { Job } from 'bullmq';
import { purgeDeadSessions } from '../src/access/service';
import { executeImport } from '../src/registry/import/service';
import { openOverdueWageCases } from '../src/market/applications';
import { expireVacancies } from '../src/market/vacancies';
import type { AppContext } from '../src/context';
import type { JobName, JobPayload, QueueName } from './definitions';

export type Handler<Q extends QueueName, J extends JobName<Q>> = (payload: JobPayload<Q, J>, ctx: AppContext, job: Job) => Promise<unknown>;

export type HandlerMap = { [Q in QueueName]: { [J in JobName<Q>]: Handler<Q, J> } };

/**
 * Job name → handler. The type makes a missing handler a compile error; `checkHandlers`
 * repeats the check at start for anything that slips past the types.
 */
export const handlers: HandlerMap = {
  maintenance: {
    'purge-sessions': async (_payload, ctx) => ({ deleted: await purgeDeadSessions(ctx) }),
  },
  market: {
    'expire-vacancies': async (_p, ctx) => ({ expired: await expireVacancies(ctx) }),
    'wage-overdue': async (_p, ctx) => ({ opened: await openOverdueWageCases(ctx) }),
  },
  imports: {
    'run-import': async ({ importId }, ctx, job) => executeImport(ctx, importId, job.attemptsMade + 1 >= (job.opts.attempts ?? 1)),
  },
};
