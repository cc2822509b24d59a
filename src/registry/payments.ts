import { and, asc, eq } from 'drizzle-orm';
import { z } from 'zod';
import { assertInScope, type Actor } from '../shared/actor';
import { command } from '../shared/command';
import type { AppContext } from '../context';
import { employmentPayments, employmentRecords, workers } from '../db/schema/registry';
import { NotFound, ValidationFailed } from '../shared/errors';
import { emit } from '../events';
import { publishOutbox } from '../outbox';
import type { RegistryProps } from './props';

const fen = z.number().int().min(0).max(100_000_000).meta({ description: 'Money in fen (分)' });
export const Period = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'errors:detail.monitoring.month').meta({ example: '2026-10' });

export const PaymentInput = z
  .object({
    dueOn: z.iso.date().meta({ description: 'The day the money was due (发放日)' }),
    amountDueFen: fen,
    paidOn: z.iso.date().nullish().meta({ description: 'The day it reached the person; leave out while unpaid' }),
    amountPaidFen: fen.nullish(),
    note: z.string().trim().max(500).nullish(),
  })
  .strict()
  .meta({ id: 'PaymentInput' });
export type PaymentInput = z.infer<typeof PaymentInput>;

export const PaymentView = z
  .object({
    id: z.string(),
    recordId: z.string(),
    kind: z.enum(['subsidy', 'wage']),
    period: z.string(),
    dueOn: z.string(),
    amountDueFen: z.number().int(),
    paidOn: z.string().nullable(),
    amountPaidFen: z.number().int().nullable(),
    note: z.string().nullable(),
  })
  .meta({ id: 'Payment' });

type Ctx = Pick<AppContext, 'db' | 'clock'>;
type RecordCtx = Pick<AppContext, 'db' | 'clock' | 'queues'>;

function present(p: typeof employmentPayments.$inferSelect): z.infer<typeof PaymentView> {
  return { id: p.id, recordId: p.recordId, kind: p.kind, period: p.period, dueOn: p.dueOn, amountDueFen: p.amountDueFen, paidOn: p.paidOn, amountPaidFen: p.amountPaidFen, note: p.note };
}

/** A job of the worker in the actor's region that is paid through the programme: a public-welfare post or a work-relief job. */
async function paidRecord(ctx: Ctx, actor: Actor, workerId: string, recordId: string) {
  const [row] = await ctx.db.select({ r: employmentRecords, regionCode: workers.regionCode }).from(employmentRecords).innerJoin(workers, eq(workers.id, employmentRecords.workerId)).where(and(eq(employmentRecords.id, recordId), eq(employmentRecords.workerId, workerId)));
  if (!row) throw new NotFound('employment', recordId);
  assertInScope(actor, row.regionCode, 'employment', recordId);
  if (row.r.kind !== 'public_welfare' && row.r.kind !== 'work_relief') throw new ValidationFailed('not a paid programme job', [{ path: 'params.recordId', message: 'errors:detail.monitoring.payment_kind' }]);
  return { record: row.r, regionCode: row.regionCode, kind: row.r.kind === 'public_welfare' ? ('subsidy' as const) : ('wage' as const) };
}

/**
 * Records what was due for a month and what was paid: 岗位补贴 for a public-welfare post, 劳务报酬 for
 * work relief. Recording the same month again corrects it (audited). Its `payment.recorded` event closes the
 * overdue item of the integrity review (monitoring's) once it is paid in full.
 */
export async function recordPayment({ ctx, actor, meta }: RegistryProps<RecordCtx>, workerId: string, recordId: string, period: string, input: PaymentInput) {
  const { record, regionCode, kind } = await paidRecord(ctx, actor, workerId, recordId);
  if ((input.paidOn == null) !== (input.amountPaidFen == null)) throw new ValidationFailed('paid pair', [{ path: 'body.paidOn', message: 'errors:detail.monitoring.paid_pair' }]);
  if (period < record.startDate.slice(0, 7) || (record.endDate && period > record.endDate.slice(0, 7))) throw new ValidationFailed('period outside the job', [{ path: 'params.period', message: 'errors:detail.monitoring.period_outside' }]);
  if (input.paidOn && input.paidOn < record.startDate) throw new ValidationFailed('paid before the job', [{ path: 'body.paidOn', message: 'errors:detail.monitoring.paid_before' }]);
  const now = ctx.clock.now();
  const values = { dueOn: input.dueOn, amountDueFen: input.amountDueFen, paidOn: input.paidOn ?? null, amountPaidFen: input.amountPaidFen ?? null, note: input.note ?? null, recordedBy: actor.accountId, updatedAt: now };
  const events: string[] = [];
  const row = await command({ ctx, actor, meta }, async (tx, audit) => {
    const [row] = await tx
      .insert(employmentPayments)
      .values({ recordId, workerId, kind, period, ...values, createdAt: now })
      .onConflictDoUpdate({ target: [employmentPayments.recordId, employmentPayments.period], set: values })
      .returning();
    audit({ action: 'payment.record', entity: 'employment_payment', entityId: row!.id, regionCode, details: { period, kind, dueOn: row!.dueOn, paidOn: row!.paidOn } });
    events.push(...(await emit(tx, now, [{ type: 'payment.recorded', data: { paymentId: row!.id, recordId, workerId, regionCode, actorId: actor.accountId } }])));
    return row!;
  });
  await publishOutbox(ctx, events);
  return present(row);
}

export async function listPayments(ctx: Ctx, actor: Actor, workerId: string, recordId: string) {
  await paidRecord(ctx, actor, workerId, recordId);
  const rows = await ctx.db.select().from(employmentPayments).where(eq(employmentPayments.recordId, recordId)).orderBy(asc(employmentPayments.period));
  return { items: rows.map(present) };
}

/** Whether the month's payment has reached the person in full (what was paid is at least what was due). */
export async function paidInFull(db: Ctx['db'], paymentId: string): Promise<boolean> {
  const [p] = await db.select({ due: employmentPayments.amountDueFen, paid: employmentPayments.amountPaidFen }).from(employmentPayments).where(eq(employmentPayments.id, paymentId));
  return p !== undefined && p.paid !== null && p.paid >= p.due;
}
