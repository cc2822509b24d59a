import { NotFound } from '../shared/errors';

export type StaffRole = 'station' | 'county' | 'prefecture' | 'province' | 'system';

/** The signed-in member of staff a service acts for. */
export interface Actor {
  accountId: string;
  username: string;
  role: StaffRole;
  /** The root of everything this actor may see: its own region and all below it. */
  regionCode: string;
  stationId: string | null;
  /** May read ID and phone numbers unmasked; every such read is audited. */
  canRevealPii: boolean;
  /** An administrator who must set up a second factor before doing anything else. */
  needsSecondFactor?: boolean;
}

/** Region codes nest by prefix, so the subtree of X is every code that starts with X. */
export function inScope(actor: Pick<Actor, 'regionCode'>, regionCode: string): boolean {
  return regionCode.startsWith(actor.regionCode);
}

/**
 * Records outside the actor's region are reported as not found, not forbidden:
 * a station must not learn that a person is registered in another county.
 */
export function assertInScope(actor: Pick<Actor, 'regionCode'>, regionCode: string, entity: string, id?: string): void {
  if (!inScope(actor, regionCode)) throw new NotFound(entity, id);
}
