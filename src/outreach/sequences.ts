import type { Topic } from './topics';

/** Why a follow-up stops before its next step is sent; each is checked when the step fires. */
export type StopWhen = 'employed' | 'not_employed' | 'replied' | 'unsubscribed' | 'steady_work' | 'heard_back';

export type StepDef =
  | {
      /** Key of the step, also the message key `outreach:sequence.<sequence>.<key>`. */
      key: string;
      /** Counted from the anchor date (Asia/Shanghai): days first, then calendar months. */
      days?: number;
      months?: number;
      /** Local time of day, "HH:MM" Asia/Shanghai (quiet hours and the daily cap still apply). */
      at: string;
      minutes?: undefined;
    }
  | {
      key: string;
      /** Minutes from the anchor instant (a fair's start): −30 is half an hour before. */
      minutes: number;
      days?: undefined;
      months?: undefined;
      at?: undefined;
    };

export interface SequenceDef {
  key: string;
  /** The topic a person must not have left for the steps to go out (none: anyone not unsubscribed from all). */
  topic: Topic | null;
  stopWhen: StopWhen[];
  steps: StepDef[];
  /** Whether station staff may start it by hand for a person (the others start from events). */
  manual: boolean;
  /** Variables its messages use, so a manual start is checked before anything is scheduled. */
  variables: string[];
  /** After this many steps sent without a reply, a task for staff replaces further messages. */
  taskAfterUnanswered?: number;
}

/**
 * Every sequence the service runs. Messages live in the locales; the first three start on their own
 * (an enrolment, a hire, a lost job), the last two may also be started by a station.
 */
export const SEQUENCES = {
  /** Reminders before a training session starts; stopped when the enrolment is cancelled. */
  training_reminder: {
    key: 'training_reminder',
    topic: 'training',
    stopWhen: ['unsubscribed'],
    steps: [
      { key: 'day_before', days: -1, at: '18:00' },
      { key: 'on_the_day', days: 0, at: '08:00' },
    ],
    manual: false,
    variables: ['title', 'place'],
  },
  /** 稳岗回访: a hire is followed at a week, a month and three months while the job lasts. */
  job_retention: {
    key: 'job_retention',
    topic: null,
    stopWhen: ['not_employed', 'unsubscribed'],
    steps: [
      { key: 'week_1', days: 7, at: '10:00' },
      { key: 'month_1', months: 1, at: '10:00' },
      { key: 'month_3', months: 3, at: '10:00' },
    ],
    manual: true,
    variables: ['employer'],
  },
  /** After a lost job: reminders of where to look until the person is back in work or answers. */
  job_search: {
    key: 'job_search',
    topic: null,
    stopWhen: ['employed', 'replied', 'unsubscribed'],
    steps: [
      { key: 'day_3', days: 3, at: '10:00' },
      { key: 'week_2', days: 14, at: '10:00' },
      { key: 'month_1', months: 1, at: '10:00' },
      { key: 'month_3', months: 3, at: '10:00' },
    ],
    manual: true,
    variables: [],
  },
  /**
   * 雨露计划 graduates, from three months before graduation until steady work (six months in the same
   * job, 稳定就业). Their answers update the file; two unanswered questions become a task for the case
   * worker instead of more messages.
   */
  rain_dew: {
    key: 'rain_dew',
    topic: null,
    stopWhen: ['steady_work', 'unsubscribed'],
    steps: [
      { key: 'before_90', days: -90, at: '10:00' },
      { key: 'graduation', days: 0, at: '10:00' },
      { key: 'month_1', months: 1, at: '10:00' },
      { key: 'month_3', months: 3, at: '10:00' },
      { key: 'month_6', months: 6, at: '10:00' },
      { key: 'month_12', months: 12, at: '10:00' },
    ],
    manual: false,
    variables: [],
    taskAfterUnanswered: 2,
  },
  /** Reminders to those signed up for a job fair: three days, one day and half an hour before it starts. */
  fair_reminder: {
    key: 'fair_reminder',
    topic: null,
    stopWhen: ['unsubscribed'],
    steps: [
      { key: 'days_3', minutes: -3 * 24 * 60 },
      { key: 'day_before', minutes: -24 * 60 },
      { key: 'minutes_30', minutes: -30 },
    ],
    manual: false,
    variables: ['title', 'time', 'place'],
  },
  /** 早干预: a person the monitoring found at risk hears of today's best matches at once. */
  best_matches: {
    key: 'best_matches',
    topic: null,
    stopWhen: ['unsubscribed'],
    steps: [{ key: 'now', minutes: 0 }],
    manual: false,
    variables: ['matches'],
  },
  /** A place at a fair freed for someone on its waiting list (sent at once). */
  fair_promoted: {
    key: 'fair_promoted',
    topic: null,
    stopWhen: ['unsubscribed'],
    steps: [{ key: 'now', minutes: 0 }],
    manual: false,
    variables: ['title', 'time'],
  },
  /** A fair called off: those signed up or waiting are told at once. */
  fair_cancelled: {
    key: 'fair_cancelled',
    topic: null,
    stopWhen: ['unsubscribed'],
    steps: [{ key: 'now', minutes: 0 }],
    manual: false,
    variables: ['title', 'time'],
  },
  /** Three days after a fair, someone who applied there and has heard nothing is asked how it went. */
  fair_aftercare: {
    key: 'fair_aftercare',
    topic: null,
    stopWhen: ['heard_back', 'employed', 'unsubscribed'],
    steps: [{ key: 'day_3', days: 3, at: '10:00' }],
    manual: false,
    variables: ['fair', 'employer', 'title'],
  },
} as const satisfies Record<string, SequenceDef>;

export type SequenceKey = keyof typeof SEQUENCES;
export const SEQUENCE_KEYS = Object.keys(SEQUENCES) as SequenceKey[];

export function sequenceOf(key: string): SequenceDef | undefined {
  return (SEQUENCES as Record<string, SequenceDef>)[key];
}

/**
 * When a step is due: the anchor date moved by the step's days and months, at its local time (UTC+8);
 * or, for a step counted in minutes, the anchor instant moved by them.
 */
export function dueAt(anchorDate: string, step: StepDef, anchorAt?: Date): Date {
  if (step.minutes !== undefined) {
    if (!anchorAt) throw new Error(`step ${step.key} counts from an instant, and none was given`);
    return new Date(anchorAt.getTime() + step.minutes * 60_000);
  }
  const [y, m, d] = anchorDate.split('-').map(Number) as [number, number, number];
  const [hh, mm] = step.at.split(':').map(Number) as [number, number];
  const base = new Date(Date.UTC(y, m - 1, d));
  base.setUTCDate(base.getUTCDate() + (step.days ?? 0));
  if (step.months) {
    // Calendar months; the 31st of a shorter month becomes its last day.
    const day = base.getUTCDate();
    base.setUTCDate(1);
    base.setUTCMonth(base.getUTCMonth() + step.months);
    const last = new Date(Date.UTC(base.getUTCFullYear(), base.getUTCMonth() + 1, 0)).getUTCDate();
    base.setUTCDate(Math.min(day, last));
  }
  return new Date(base.getTime() + (hh * 60 + mm - 8 * 60) * 60_000);
}
