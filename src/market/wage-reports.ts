import type { AppContext } from '../context';
import { command, type CommandProps } from '../shared/command';
import { wageCases } from '../db/schema/market';
import { maskNumbers } from '../chat';

/** 工资: a bound person reports unpaid wages in their own words; the station sees a wage case. */
export async function reportWages(props: Pick<CommandProps, 'ctx'> & { ctx: Pick<AppContext, 'db' | 'clock'> }, worker: { id: string; regionCode: string }, said: string) {
  const { ctx } = props;
  return command({ ctx }, async (tx, audit) => {
    const [row] = await tx
      .insert(wageCases)
      .values({ workerId: worker.id, regionCode: worker.regionCode, reason: 'reported_by_chat', description: maskNumbers(said).slice(0, 500), openedAt: ctx.clock.now() })
      .returning({ id: wageCases.id });
    audit({ action: 'wage_case.report', entity: 'wage_case', entityId: row!.id, regionCode: worker.regionCode, details: { door: 'chat' } });
    return row!.id;
  });
}
