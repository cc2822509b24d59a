import { createHash } from 'node:crypto';
import { maskPhone, normalizePhone } from '../pii/phone';
import { maskResidentId, parseResidentId } from '../pii/resident-id';
import type { PiiVault } from '../pii/vault';
import type { workers } from '../db/schema/registry';
import { isMonitoredCategory, WIDER_SCOPE_TYPE, type Category, type Health, type Intention, type LaborCapacity, type MonitoringType, type Sex } from './vocab';

/** The fields of a person as a station types them or as a spreadsheet row gives them. */
export interface WorkerFields {
  name: string;
  idNumber: string;
  phone?: string | null;
  sex?: Sex | null;
  birthDate?: string | null;
  ethnicity?: string | null;
  politicalStatus?: string | null;
  education?: string | null;
  health?: Health | null;
  laborCapacity?: LaborCapacity;
  category?: Category;
  monitoringType?: MonitoringType | null;
  intention?: Intention | null;
  notTransferredReason?: string | null;
  serviceNeeds?: string[];
  skills?: string[];
  regionCode: string;
  homeLat?: number | null;
  homeLng?: number | null;
  preferredLanguage?: 'zh-CN' | 'en';
  payFloorFen?: number | null;
}

export interface Problem {
  /** The input field, e.g. `idNumber`. */
  field: keyof WorkerFields;
  /** A locale key under errors:detail. */
  reason: string;
}

export type PreparedWorker = Omit<typeof workers.$inferInsert, 'id' | 'createdAt' | 'updatedAt' | 'lastActivityAt' | 'version'> & {
  idNumberHash: string;
  contentHash: string;
};

/**
 * Checks a person's fields against the rules of the register and turns them into a row: the ID
 * number must pass GB 11643 and agree with the given sex and birth date; ID and phone numbers are
 * encrypted, indexed and masked here and nowhere else.
 */
export function prepareWorker(f: WorkerFields, vault: PiiVault, today: Date): { ok: true; row: PreparedWorker } | { ok: false; problems: Problem[] } {
  const problems: Problem[] = [];
  const parsed = parseResidentId(f.idNumber, today);
  if (!parsed.ok) problems.push({ field: 'idNumber', reason: `errors:detail.id_number.${parsed.reason}` });
  const phone = f.phone ? normalizePhone(f.phone) : undefined;
  if (f.phone && !phone) problems.push({ field: 'phone', reason: 'errors:detail.phone' });
  if (parsed.ok && f.sex && f.sex !== parsed.id.sex) problems.push({ field: 'sex', reason: 'errors:detail.id_number.sex_mismatch' });
  if (parsed.ok && f.birthDate && f.birthDate !== parsed.id.birthDate) {
    problems.push({ field: 'birthDate', reason: 'errors:detail.id_number.birth_date_mismatch' });
  }
  const category = f.category ?? 'lifted';
  const monitored = isMonitoredCategory(category);
  if (monitored && !f.monitoringType) problems.push({ field: 'monitoringType', reason: 'errors:detail.monitoring_type_required' });
  if (!monitored && f.monitoringType) problems.push({ field: 'monitoringType', reason: 'errors:detail.monitoring_type_only_monitored' });
  // A household at risk outside the three old types is the 2026 widening, so it is registered under the 2026 name.
  if (category === 'monitored' && f.monitoringType === WIDER_SCOPE_TYPE) problems.push({ field: 'monitoringType', reason: 'errors:detail.monitoring_type_wider_scope' });
  if ((f.homeLat == null) !== (f.homeLng == null)) problems.push({ field: 'homeLat', reason: 'errors:detail.location_pair' });
  if (!f.name.trim()) problems.push({ field: 'name', reason: 'errors:field.required' });
  if (problems.length || !parsed.ok) return { ok: false, problems };

  const id = parsed.id;
  const idNumberHash = vault.index('id', id.value);
  const phoneHash = phone ? vault.index('phone', phone) : null;
  const fields = {
    name: f.name.trim(),
    sex: id.sex,
    birthDate: id.birthDate,
    ethnicity: f.ethnicity?.trim() || null,
    politicalStatus: f.politicalStatus?.trim() || null,
    education: f.education?.trim() || null,
    health: f.health ?? null,
    laborCapacity: f.laborCapacity ?? 'full',
    category,
    monitoringType: monitored ? (f.monitoringType ?? null) : null,
    intention: f.intention ?? null,
    serviceNeeds: [...new Set((f.serviceNeeds ?? []).map((s) => s.trim()).filter(Boolean))],
    skills: [...new Set((f.skills ?? []).map((s) => s.trim()).filter(Boolean))],
    regionCode: f.regionCode,
    homeLat: f.homeLat ?? null,
    homeLng: f.homeLng ?? null,
    preferredLanguage: f.preferredLanguage ?? 'zh-CN',
    payFloorFen: f.payFloorFen ?? null,
  };
  const notTransferredReason = f.notTransferredReason?.trim() || null;
  // The hash is of the fields as JSON, then the two indexes, then the reason only when there is one, so rows
  // imported before it existed still read as unchanged. Written out rather than spread: spreading an object
  // into a literal with more keys costs more than the encryption (an import does this for every row).
  const hashed =
    JSON.stringify(fields).slice(0, -1) +
    `,"idNumberHash":${JSON.stringify(idNumberHash)},"phoneHash":${JSON.stringify(phoneHash)}` +
    (notTransferredReason ? `,"notTransferredReason":${JSON.stringify(notTransferredReason)}` : '') +
    '}';
  const contentHash = createHash('sha256').update(hashed).digest('base64url');
  return {
    ok: true,
    row: {
      name: fields.name,
      sex: fields.sex,
      birthDate: fields.birthDate,
      ethnicity: fields.ethnicity,
      politicalStatus: fields.politicalStatus,
      education: fields.education,
      health: fields.health,
      laborCapacity: fields.laborCapacity,
      category: fields.category,
      monitoringType: fields.monitoringType,
      intention: fields.intention,
      serviceNeeds: fields.serviceNeeds,
      skills: fields.skills,
      regionCode: fields.regionCode,
      homeLat: fields.homeLat,
      homeLng: fields.homeLng,
      preferredLanguage: fields.preferredLanguage,
      payFloorFen: fields.payFloorFen,
      notTransferredReason,
      idNumberEnc: vault.encrypt(id.value),
      idNumberHash,
      idNumberMasked: maskResidentId(id.value),
      phoneEnc: phone ? vault.encrypt(phone) : null,
      phoneHash,
      phoneMasked: phone ? maskPhone(phone) : null,
      contentHash,
    },
  };
}

/** A registered person's fields as they stand, to merge a correction or an imported row into. */
export function existingFields(w: typeof workers.$inferSelect, vault: PiiVault): WorkerFields {
  return {
    name: w.name,
    idNumber: vault.decrypt(w.idNumberEnc),
    phone: w.phoneEnc ? vault.decrypt(w.phoneEnc) : null,
    ethnicity: w.ethnicity,
    politicalStatus: w.politicalStatus,
    education: w.education,
    health: w.health,
    laborCapacity: w.laborCapacity,
    category: w.category,
    monitoringType: w.monitoringType,
    intention: w.intention,
    notTransferredReason: w.notTransferredReason,
    serviceNeeds: w.serviceNeeds,
    skills: w.skills,
    regionCode: w.regionCode,
    homeLat: w.homeLat,
    homeLng: w.homeLng,
    preferredLanguage: w.preferredLanguage as 'zh-CN' | 'en',
    payFloorFen: w.payFloorFen,
  };
}
