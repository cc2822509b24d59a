import type { Actor } from '../shared/actor';
import type { AuditMeta, CommandProps } from '../shared/command';

/**
 * What each fair command takes first: the context it needs (`C`), who acts and the request. `A` is
 * `Actor | null` for the steps the schedule also takes on its own (going live, ending).
 */
export type FairsProps<C extends CommandProps['ctx'], A extends Actor | null = Actor> = CommandProps & { ctx: C; actor: A; meta: AuditMeta };
