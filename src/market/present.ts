import type { Application, Employer, TrainingSession, Vacancy } from '../db/schema/market';

export function presentEmployer(e: Employer) {
  return {
    id: e.id,
    name: e.name,
    kind: e.kind,
    creditCode: e.creditCode,
    regionCode: e.regionCode,
    address: e.address,
    lat: e.lat,
    lng: e.lng,
    contactName: e.contactName,
    contactPhone: e.contactPhoneMasked,
    workshopTier: e.workshopTier,
    verified: e.verifiedAt !== null,
    createdAt: e.createdAt.toISOString(),
  };
}

/** A post as the API shows it; `regionName` names its village, so a list or its CSV reads a place, not a code. */
export function presentVacancy(v: Vacancy, employerName: string, regionName: string | null) {
  return {
    id: v.id,
    employerId: v.employerId,
    employerName,
    kind: v.kind,
    title: v.title,
    description: v.description,
    requirements: v.requirements,
    regionCode: v.regionCode,
    regionName,
    address: v.address,
    lat: v.lat,
    lng: v.lng,
    payMinFen: v.payMinFen,
    payMaxFen: v.payMaxFen,
    payUnit: v.payUnit,
    requiredSkills: v.requiredSkills,
    hours: v.hours,
    headcount: v.headcount,
    filled: v.filled,
    status: v.status,
    expiresAt: v.expiresAt.toISOString(),
    details: v.details,
    createdAt: v.createdAt.toISOString(),
  };
}

export function presentTraining(s: TrainingSession) {
  return {
    id: s.id,
    kind: s.kind,
    title: s.title,
    provider: s.provider,
    regionCode: s.regionCode,
    place: s.place,
    lat: s.lat,
    lng: s.lng,
    startDate: s.startDate,
    endDate: s.endDate,
    capacity: s.capacity,
    enrolled: s.enrolled,
    skills: s.skills,
    trainingSubsidyFen: s.trainingSubsidyFen,
    livingAllowanceFen: s.livingAllowanceFen,
    vacancyIds: s.vacancyIds,
    status: s.status,
    createdAt: s.createdAt.toISOString(),
  };
}

export function presentApplication(a: Application, vacancy: Pick<Vacancy, 'title' | 'kind'>, workerName: string) {
  return {
    id: a.id,
    vacancyId: a.vacancyId,
    vacancyTitle: vacancy.title,
    vacancyKind: vacancy.kind,
    workerId: a.workerId,
    workerName,
    status: a.status,
    source: a.source,
    fairId: a.fairId,
    paid: a.paid,
    wageDueAt: a.wageDueAt?.toISOString() ?? null,
    history: a.history,
    createdAt: a.createdAt.toISOString(),
    updatedAt: a.updatedAt.toISOString(),
  };
}
