import type { EmploymentRecord, Worker } from '../db/schema/registry';
import type { PiiVault } from '../pii/vault';
import { ageBand, inWorkingAge } from './age-band';
import type { WorkerView } from './schemas';

export function presentEmployment(r: EmploymentRecord) {
  return {
    id: r.id,
    employerName: r.employerName,
    place: r.place,
    placeRegionCode: r.placeRegionCode,
    kind: r.kind,
    startDate: r.startDate,
    endDate: r.endDate,
    monthlyIncomeFen: r.monthlyIncomeFen,
    partTime: r.partTime,
    exitReason: r.exitReason,
    source: r.source,
    createdAt: r.createdAt.toISOString(),
  };
}

/**
 * The fields a worker is shown with; ID and phone masked unless `reveal` (which the caller has audited). The
 * working-age band is the one of `today` (YYYY-MM-DD, Beijing time).
 */
export function presentWorker(w: Worker, current: EmploymentRecord | undefined, opts: { reveal: boolean; vault: PiiVault; today: string }): WorkerView {
  const band = ageBand(w.birthDate, w.sex, opts.today);
  return {
    id: w.id,
    name: w.name,
    sex: w.sex,
    birthDate: w.birthDate,
    idNumber: opts.reveal ? opts.vault.decrypt(w.idNumberEnc) : w.idNumberMasked,
    phone: opts.reveal && w.phoneEnc ? opts.vault.decrypt(w.phoneEnc) : w.phoneMasked,
    revealed: opts.reveal,
    consent: w.consent,
    ethnicity: w.ethnicity,
    politicalStatus: w.politicalStatus,
    education: w.education,
    health: w.health,
    laborCapacity: w.laborCapacity,
    category: w.category,
    monitoringType: w.monitoringType,
    employed: w.employed,
    currentEmployment: current ? presentEmployment(current) : null,
    intention: w.intention,
    notTransferredReason: w.notTransferredReason,
    ageBand: band,
    reasonMissing: needsReason(w, band),
    serviceNeeds: w.serviceNeeds,
    skills: w.skills,
    regionCode: w.regionCode,
    householdId: w.householdId,
    homeLat: w.homeLat,
    homeLng: w.homeLng,
    preferredLanguage: w.preferredLanguage,
    payFloorFen: w.payFloorFen,
    status: w.status,
    version: w.version,
    createdAt: w.createdAt.toISOString(),
    updatedAt: w.updatedAt.toISOString(),
  };
}

/** Seed 003 Longyan §3: 劳动年龄段内有劳动能力 … 未转移就业的落实其未转移就业原因 — someone whose reason is still to be asked. */
export function needsReason(w: Pick<Worker, 'laborCapacity' | 'employed' | 'notTransferredReason' | 'status'>, band: ReturnType<typeof ageBand>): boolean {
  return w.status === 'active' && inWorkingAge(band) && w.laborCapacity !== 'none' && !w.employed && !w.notTransferredReason;
}
