import type { Db } from '../db/client';
import { auditLog } from '../db/schema/audit';

export interface AuditEntry {
  actorId?: string | null;
  /** e.g. `auth.login`, `auth.login_failed`, `worker.update`, `worker.reveal` */
  action: string;
  entity?: string;
  entityId?: string;
  regionCode?: string;
  requestId?: string;
  ip?: string;
  /** Never personal data: ids, field names, counts, a stated purpose. */
  details?: Record<string, unknown>;
}

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  await db.insert(auditLog).values({
    actorId: entry.actorId ?? null,
    action: entry.action,
    entity: entry.entity ?? null,
    entityId: entry.entityId ?? null,
    regionCode: entry.regionCode ?? null,
    requestId: entry.requestId ?? null,
    ip: entry.ip ?? null,
    details: entry.details ?? null,
  });
}
