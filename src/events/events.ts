import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Db } from '../db/client';
import { addToOutbox } from '../outbox';

/**
 * Domain events: what happened in one module that others act on. A service records its change, its
 * audit entry and its events in one transaction (the events as outbox rows); the relay puts each on the
 * `events` queue, and every subscriber (wired in the worker) handles it on its own, at least once —
 * so each reads the current state rather than trusting the order events arrive in.
 */
export const eventSchemas = {
  /** A job began: recorded by staff, a hire in the market, or the person's own word to the bot. */
  'employment.started': z
    .object({
      workerId: z.uuid(),
      regionCode: z.string(),
      employmentId: z.uuid(),
      startDate: z.string(),
      employerName: z.string(),
      source: z.enum(['station', 'market', 'self_report']),
      actorId: z.uuid().nullable(),
    })
    .strict(),
  /** The current job ended. */
  'employment.ended': z.object({ workerId: z.uuid(), regionCode: z.string(), endDate: z.string(), actorId: z.uuid().nullable() }).strict(),
  /** A month's pay of a programme job (岗位补贴, 劳务报酬) was recorded or corrected at the station. */
  'payment.recorded': z.object({ paymentId: z.uuid(), recordId: z.uuid(), workerId: z.uuid(), regionCode: z.string(), actorId: z.uuid().nullable() }).strict(),
  /** An application in the market moved on (applied → … → hired, completed, withdrawn …). */
  'application.moved': z
    .object({ applicationId: z.uuid(), vacancyId: z.uuid(), workerId: z.uuid(), regionCode: z.string(), from: z.string(), to: z.string(), actorId: z.uuid().nullable() })
    .strict(),
  /**
   * People signed up for a job fair, each to a place or the waiting list (those answered together, in
   * the order they came). The requests' ids and addresses travel with them for the audit entries.
   */
  'fair.signed_up': z
    .object({
      fairId: z.uuid(),
      regionCode: z.string(),
      signups: z
        .array(
          z
            .object({
              signupId: z.uuid(),
              workerId: z.uuid(),
              status: z.enum(['signed_up', 'waiting']),
              source: z.string().max(20),
              actorId: z.uuid().nullable(),
              requestId: z.string().max(200).optional(),
              ip: z.string().max(100).optional(),
            })
            .strict(),
        )
        .min(1)
        .max(500),
    })
    .strict(),
  /** A sign-up was cancelled; the place it freed went to `promotedWorkerId` (see fair.promoted), if anyone. */
  'fair.signup_cancelled': z
    .object({ fairId: z.uuid(), workerId: z.uuid(), regionCode: z.string(), promotedWorkerId: z.uuid().nullable(), actorId: z.uuid().nullable(), requestId: z.string().max(200).optional(), ip: z.string().max(100).optional() })
    .strict(),
  /** The first on a fair's waiting list got a freed place. */
  'fair.promoted': z.object({ fairId: z.uuid(), workerId: z.uuid() }).strict(),
  /**
   * A follow-up's last questions went unanswered, so it stopped at `at`: the station calls instead of
   * sending more messages (a task for them in chat's help requests).
   */
  'follow_up.unanswered': z.object({ followUpId: z.uuid(), workerId: z.uuid(), regionCode: z.string(), sequence: z.string(), unanswered: z.number().int().positive(), at: z.string() }).strict(),
} as const;

export type EventType = keyof typeof eventSchemas;
export const EVENT_TYPES = Object.keys(eventSchemas) as EventType[];
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>;
export type DomainEvent = { [T in EventType]: { type: T; data: EventData<T> } }[EventType];

/** The queue job that carries one event; `done` lists the subscribers that have handled it. */
export const EventEnvelope = z
  .object({ id: z.uuid(), type: z.enum(EVENT_TYPES as [EventType, ...EventType[]]), at: z.string(), data: z.record(z.string(), z.unknown()), done: z.array(z.string()).optional() })
  .strict();
export type EventEnvelope = z.infer<typeof EventEnvelope>;

/**
 * Records events in the caller's transaction. Returns the outbox rows' ids, for the caller to publish
 * right after its commit (the relay publishes anything left within seconds).
 */
export async function emit(db: Db, at: Date, events: DomainEvent[]): Promise<string[]> {
  return addToOutbox(
    db,
    events.map((e) => {
      const data = eventSchemas[e.type].parse(e.data) as Record<string, unknown>;
      const id = randomUUID();
      return { queue: 'events', job: 'handle', payload: { id, type: e.type, at: at.toISOString(), data }, jobId: `event-${id}`, runAt: at };
    }),
  );
}
