import type { Actor } from '../shared/actor';
import type { AuditMeta, CommandProps } from '../shared/command';

/** What each privacy command takes first: the context it needs (`C`), the member of staff who acts, and the request. */
export type PrivacyProps<C extends CommandProps['ctx']> = CommandProps & { ctx: C; actor: Actor; meta: AuditMeta };
