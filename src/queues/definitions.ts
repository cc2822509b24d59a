import { z } from 'zod';

/**
 * Every queue and every job it carries, each with the zod schema of its payload.
 * Payloads hold internal ids only, never names, ID numbers or phone numbers.
 */
export const queueDefinitions = {
  /** Housekeeping: expired sessions and other clean-ups. */
  maintenance: {
    concurrency: 1,
    jobs: {
      'purge-sessions': z.object({}).strict(),
      /** People who left the programme RETENTION_YEARS ago lose what identifies them. */
      'anonymise-departed': z.object({}).strict(),
      /** Rain Dew students whose expected graduation day has come are recorded as graduated. */
      'rain-dew-graduations': z.object({}).strict(),
      /** The daily encrypted backup into BACKUP_DIR, and removal of those past BACKUP_KEEP_DAYS. */
      backup: z.object({}).strict(),
      /** Policies ending within 60 days with no successor: administrators told once. */
      'policy-endings': z.object({}).strict(),
      /** Reports due within their reminder days, or overdue: the reporting region's administrators told once. */
      'report-deadlines': z.object({}).strict(),
    },
  },
  /** Monitoring: the month just ended is closed into snapshots that never change. */
  monitoring: {
    concurrency: 1,
    jobs: {
      'close-month': z.object({}).strict(),
      /** People out of work, earning much less, or in households without work: warned once each. */
      'person-warnings': z.object({}).strict(),
      /** 日报告: yesterday's movements and the month so far. */
      'daily-report': z.object({}).strict(),
      /** 周调度: regions behind their targets for the year. */
      'weekly-dispatch': z.object({}).strict(),
      /** Public-welfare posts and work-relief wages looked over for the review list. */
      'integrity-review': z.object({}).strict(),
    },
  },
  /** The odd-job market's clocks: posts past their date, gig pay past due. */
  market: {
    concurrency: 1,
    jobs: {
      'expire-vacancies': z.object({}).strict(),
      'wage-overdue': z.object({}).strict(),
      /** Job fairs go live at their start and end at their end. */
      'fairs-clock': z.object({}).strict(),
    },
  },
  /** Broadcasts: the fan-out of one broadcast to its audience (job id fanout-<broadcast id>). */
  outreach: {
    concurrency: 1,
    jobs: {
      fanout: z.object({ broadcastId: z.uuid() }).strict(),
      'sweep-deliveries': z.object({}).strict(),
      /** Deliveries whose outcome is in doubt: settled by the provider's reports, or by the channel's rule after the wait. */
      'settle-deliveries': z.object({}).strict(),
      /** One step of a follow-up sequence, delayed until it is due (job id: the step id). */
      'follow-up-step': z.object({ stepId: z.uuid() }).strict(),
      'sweep-follow-ups': z.object({}).strict(),
      /** A new or changed policy for workers, told to those it covers (job id policy-<version id>). */
      'announce-policy': z.object({ policyId: z.uuid() }).strict(),
      /** Each person's digest of new matches, when their window (default 08:30) has come. */
      'compose-digests': z.object({}).strict(),
    },
  },
  /**
   * One job per delivery, its id the delivery id: the log channel and any other without a queue of its
   * own. Many run at once so their claims and results are written a batch per statement.
   */
  deliveries: {
    concurrency: 256,
    jobs: {
      deliver: z.object({ deliveryId: z.uuid() }).strict(),
    },
  },
  /**
   * A broadcast's deliveries on a channel with no rate limit of its own (the official account, the log), a
   * batch a job (job id batch-<batch>, up to a hundred deliveries): the queue's own work (taking the job,
   * its lock, its completion) is then paid once a batch instead of once a delivery. Each delivery is still claimed,
   * judged and closed on its own, as in `deliveries`; one that must wait or be tried again gets a job of its own there.
   */
  'deliveries-bulk': {
    concurrency: 4,
    jobs: {
      /** The job reads its batch's deliveries still to send: one put back after a loss (the sweeper, Redis emptied) is the same job. */
      'deliver-batch': z.object({ batch: z.uuid() }).strict(),
    },
  },
  /** Mini-program subscribe messages, at most MINI_PROGRAM_SENDS_PER_SECOND. */
  'deliveries-mp': {
    concurrency: 16,
    limiter: 'mini_program',
    jobs: {
      deliver: z.object({ deliveryId: z.uuid() }).strict(),
    },
  },
  /** Text messages (SMS), at most SMS_SENDS_PER_SECOND across all worker processes. */
  'deliveries-sms': {
    concurrency: 8,
    limiter: 'sms',
    jobs: {
      deliver: z.object({ deliveryId: z.uuid() }).strict(),
    },
  },
  /**
   * WeChat chat deliveries, consumed by the bot process (only it holds the logins). The pool paces each
   * sending account to one message per CHAT_SEND_INTERVAL_MS (an account that sends too fast gets
   * blocked), so several accounts send side by side.
   */
  'deliveries-chat': {
    // Few at once: a delivery waiting for its account's turn is already claimed.
    concurrency: 4,
    bot: true,
    jobs: {
      deliver: z.object({ deliveryId: z.uuid() }).strict(),
      /** A broadcast posted into one WeChat group (job id group-<post id>). */
      'post-group': z.object({ groupPostId: z.uuid() }).strict(),
    },
  },
  /**
   * Domain events, one job each (job id event-<event id>), from the outbox; the handler runs every
   * subscriber of its type that has not handled it yet (jobs/subscriptions.ts).
   */
  events: {
    concurrency: 4,
    jobs: {
      // The event's own schema is checked by its handler (src/events); here only the envelope's shape.
      handle: z.object({ id: z.uuid(), type: z.string().max(60), at: z.string().max(40), data: z.record(z.string(), z.unknown()), done: z.array(z.string().max(80)).max(50).optional() }).strict(),
    },
  },
  /** Spreadsheet imports into the registry; the job id is the import id, so a double enqueue runs once. */
  imports: {
    concurrency: 1,
    jobs: {
      'run-import': z.object({ importId: z.uuid() }).strict(),
    },
  },
} as const satisfies Record<string, { concurrency: number; bot?: boolean; limiter?: 'mini_program' | 'sms'; jobs: Record<string, z.ZodType> }>;

export type QueueDefinitions = typeof queueDefinitions;
export type QueueName = keyof QueueDefinitions;
export type JobName<Q extends QueueName> = keyof QueueDefinitions[Q]['jobs'] & string;
export type JobPayload<Q extends QueueName, J extends JobName<Q>> = z.infer<QueueDefinitions[Q]['jobs'][J]>;

export function payloadSchema<Q extends QueueName, J extends JobName<Q>>(queue: Q, job: J): z.ZodType {
  const jobs = queueDefinitions[queue].jobs as Record<string, z.ZodType>;
  const schema = jobs[job];
  if (!schema) throw new Error(`queue "${queue}" declares no job "${job}"`);
  return schema;
}

/** Recurring jobs: one scheduler per entry, upserted on start (so a restart never doubles them). */
export const schedules: ReadonlyArray<{ id: string; queue: QueueName; job: string; pattern: string; tz: string }> = [
  { id: 'purge-sessions-hourly', queue: 'maintenance', job: 'purge-sessions', pattern: '17 * * * *', tz: 'Asia/Shanghai' },
  { id: 'anonymise-departed-daily', queue: 'maintenance', job: 'anonymise-departed', pattern: '30 3 * * *', tz: 'Asia/Shanghai' },
  { id: 'backup-daily', queue: 'maintenance', job: 'backup', pattern: '40 2 * * *', tz: 'Asia/Shanghai' },
  { id: 'policy-endings-daily', queue: 'maintenance', job: 'policy-endings', pattern: '10 6 * * *', tz: 'Asia/Shanghai' },
  { id: 'report-deadlines-daily', queue: 'maintenance', job: 'report-deadlines', pattern: '15 8 * * *', tz: 'Asia/Shanghai' },
  { id: 'rain-dew-graduations-daily', queue: 'maintenance', job: 'rain-dew-graduations', pattern: '20 0 * * *', tz: 'Asia/Shanghai' },
  { id: 'close-month', queue: 'monitoring', job: 'close-month', pattern: '0 2 1 * *', tz: 'Asia/Shanghai' },
  { id: 'person-warnings', queue: 'monitoring', job: 'person-warnings', pattern: '0 7 * * *', tz: 'Asia/Shanghai' },
  { id: 'daily-report', queue: 'monitoring', job: 'daily-report', pattern: '30 7 * * *', tz: 'Asia/Shanghai' },
  { id: 'weekly-dispatch', queue: 'monitoring', job: 'weekly-dispatch', pattern: '0 8 * * 1', tz: 'Asia/Shanghai' },
  { id: 'integrity-review', queue: 'monitoring', job: 'integrity-review', pattern: '30 6 * * *', tz: 'Asia/Shanghai' },
  { id: 'expire-vacancies', queue: 'market', job: 'expire-vacancies', pattern: '*/10 * * * *', tz: 'Asia/Shanghai' },
  { id: 'fairs-clock', queue: 'market', job: 'fairs-clock', pattern: '* * * * *', tz: 'Asia/Shanghai' },
  { id: 'wage-overdue', queue: 'market', job: 'wage-overdue', pattern: '5 * * * *', tz: 'Asia/Shanghai' },
  { id: 'sweep-deliveries', queue: 'outreach', job: 'sweep-deliveries', pattern: '* * * * *', tz: 'Asia/Shanghai' },
  { id: 'settle-deliveries', queue: 'outreach', job: 'settle-deliveries', pattern: '* * * * *', tz: 'Asia/Shanghai' },
  { id: 'sweep-follow-ups', queue: 'outreach', job: 'sweep-follow-ups', pattern: '* * * * *', tz: 'Asia/Shanghai' },
  { id: 'compose-digests', queue: 'outreach', job: 'compose-digests', pattern: '* * * * *', tz: 'Asia/Shanghai' },
];
