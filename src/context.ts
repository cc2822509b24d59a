import type { Config } from './config';
import type { Database, Db } from './db/client';
import type { Logger } from './logger';
import type { RedisHandle } from './redis';
import type { Clock } from './shared/clock';
import type { PiiVault } from './pii/vault';
import type { Queues } from './queues/queues';
import type { ChannelName } from './queues/deliveries';
import type { SQL } from 'drizzle-orm';

/**
 * What the policies' eligibility rules and notices need of modules above or beside them, handed in by
 * whoever builds the context from the owners' front doors (src/app.ts's policyPorts): the policies never
 * read those modules' tables themselves.
 */
export interface PolicyPorts {
  /** The people's enrolments in the market's trainings with one of these statuses: the day (YYYY-MM-DD, Asia/Shanghai) each was made. */
  trainingEnrolments(db: Db, workerIds: string[], statuses: string[]): Promise<Array<{ workerId: string; at: string }>>;
  /** Of these people, those whose Rain Dew file has one of these statuses. */
  rainDewFilesIn(db: Db, workerIds: string[], statuses: string[]): Promise<string[]>;
  /**
   * Outreach writes one delivery for each new policy notice, on the person's chosen channel (chat when
   * they chose none), in the caller's transaction; the caller queues them after its commit.
   */
  policyNoticeDeliveries(db: Db, notices: Array<{ id: string; workerId: string }>, now: Date): Promise<Array<{ id: string; channel: ChannelName }>>;
}

/**
 * What the register needs of monitoring (above it), handed in from monitoring's front door by src/app.ts's
 * registerPorts: the register never reads monitoring's tables itself.
 */
export interface RegisterPorts {
  /**
   * Monitoring's read model of people's links to government-invested projects: a subquery with the columns
   * link_id, worker_id, employment_record_id, project_id and project_name, so the register finds the link
   * that already holds a job staff record again in one statement.
   */
  projectLinks: SQL;
}

/**
 * What outreach needs of modules above or beside it, as their read models, handed in from their front doors
 * by src/app.ts's outreachPorts: outreach never reads those modules' tables itself.
 */
export interface OutreachPorts {
  /** The fairs' sign-ups: a subquery with the columns fair_id, worker_id and status, for a fair's people in a broadcast's audience. */
  fairSignups: SQL;
  /**
   * The policies' notices with their policy's text: a subquery with the columns notice_id, title, benefit and
   * apply, read by a policy notice's delivery when it is claimed (no row once the notice or its policy is gone).
   */
  policyNoticeTexts: SQL;
}

/**
 * What the notices need of modules above them, handed in from their front doors by src/app.ts's noticePorts:
 * the notices never read access's accounts or write outreach's deliveries themselves.
 */
export interface NoticePorts {
  /**
   * Outreach's statement writing the pushes of new staff notices: an INSERT … RETURNING id, channel, run as a
   * WITH clause of the statement that writes the notices (so notice and pushes are one statement). `notices`
   * names the new notices (columns id, region_code, reach, audience); each goes to every member of staff who
   * sees it in the inbox, has a contact and did not opt out, once per notice and account.
   */
  staffNoticePushes(notices: SQL, at: Date): SQL;
}

/** Everything a service needs, handed in rather than imported, so tests build their own. */
export interface AppContext {
  config: Config;
  logger: Logger;
  database: Database;
  db: Db;
  redis: RedisHandle;
  queues: Queues;
  clock: Clock;
  /** Encrypts, decrypts and indexes personal data; the only holder of PII_KEY. */
  pii: PiiVault;
  /** What the policies learn of the market, Rain Dew and outreach (see PolicyPorts). */
  policyPorts: PolicyPorts;
  /** What the register learns of monitoring's project links (see RegisterPorts). */
  registerPorts: RegisterPorts;
  /** What outreach reads of the fairs and the policies (see OutreachPorts). */
  outreachPorts: OutreachPorts;
  /** Who a staff notice is pushed to, and the pushes, written by outreach (see NoticePorts). */
  noticePorts: NoticePorts;
}
