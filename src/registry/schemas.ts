import { z } from 'zod';
import { PageQuery } from '../http/pagination';
import { RegionCode } from '../regions';
import { AGE_BANDS } from './age-band';
import { CATEGORY, HEALTH, INTENTION, LABOR_CAPACITY, MONITORING_TYPE, SEX } from './vocab';

const text = (max: number) => z.string().trim().max(max);
const isoDate = z.iso.date();
const tags = z.array(text(40).min(1)).max(30);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const WorkerCreate = z
  .object({
    name: text(50).min(1),
    idNumber: z.string().max(40).meta({ description: '居民身份证号码 (GB 11643); stored encrypted, shown masked', example: '532528198503070512' }),
    phone: z.string().max(30).nullish(),
    sex: z.enum(SEX).nullish().meta({ description: 'Checked against the ID number when given' }),
    birthDate: isoDate.nullish().meta({ description: 'Checked against the ID number when given' }),
    ethnicity: text(20).nullish(),
    politicalStatus: text(20).nullish(),
    education: text(20).nullish(),
    health: z.enum(HEALTH).nullish(),
    laborCapacity: z.enum(LABOR_CAPACITY).default('full'),
    category: z.enum(CATEGORY).default('lifted'),
    monitoringType: z.enum(MONITORING_TYPE).nullish(),
    intention: z.enum(INTENTION).nullish(),
    notTransferredReason: text(100).nullish().meta({ description: '未转移就业原因: why a person of working age able to work is not in work (seed 003 Longyan §3)', example: '照顾患病家人' }),
    serviceNeeds: tags.default([]),
    skills: tags.default([]),
    regionCode: RegionCode,
    homeLat: z.number().min(-90).max(90).nullish(),
    homeLng: z.number().min(-180).max(180).nullish(),
    preferredLanguage: z.enum(['zh-CN', 'en']).default('zh-CN'),
    payFloorFen: z.number().int().min(0).max(10_000_000).nullish().meta({ description: 'Least monthly pay the person will take, in fen' }),
    householdId: z.uuid().nullish(),
    consent: z.boolean().optional().meta({ description: 'The person signed the consent notice on the station form (matching and messages need it)' }),
  })
  .strict()
  .meta({ id: 'WorkerCreate' });
export type WorkerCreate = z.infer<typeof WorkerCreate>;

/** The fields with a default on creation, without it: a change names only what changes, and the rest is kept. */
export const NO_DEFAULTS = {
  laborCapacity: z.enum(LABOR_CAPACITY).optional(),
  category: z.enum(CATEGORY).optional(),
  serviceNeeds: tags.optional(),
  skills: tags.optional(),
  preferredLanguage: z.enum(['zh-CN', 'en']).optional(),
};

export const WorkerPatch = WorkerCreate.omit({ consent: true })
  .partial()
  .extend({ ...NO_DEFAULTS, version: z.number().int().min(1).meta({ description: 'The version you read; a stale one is refused with 409' }) })
  .strict()
  .meta({ id: 'WorkerPatch' });
export type WorkerPatch = z.infer<typeof WorkerPatch>;

export const EmploymentView = z
  .object({
    id: z.uuid(),
    employerName: z.string().nullable(),
    place: z.string().nullable(),
    placeRegionCode: z.string().nullable(),
    kind: z.string().nullable(),
    startDate: z.string(),
    endDate: z.string().nullable(),
    monthlyIncomeFen: z.number().int().nullable(),
    partTime: z.boolean(),
    exitReason: z.string().nullable(),
    source: z.enum(['import', 'station', 'self_report', 'market']),
    createdAt: z.string(),
    merged: z
      .object({ projectId: z.string(), projectName: z.string(), linkId: z.string() })
      .optional()
      .meta({ description: 'Only in the answer to recording a job: the job was the same work a government-invested project’s link already had on record, so it was merged into that record (its income, part-time mark and written place applied; the project’s kind and dates kept), never recorded twice' }),
  })
  .meta({ id: 'EmploymentRecord' });

export const WorkerView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    sex: z.enum(SEX),
    birthDate: z.string(),
    idNumber: z.string().meta({ description: 'Masked (532528********0512) unless revealed' }),
    phone: z.string().nullable(),
    revealed: z.boolean(),
    consent: z.boolean().meta({ description: 'Consent to matching and messages (see /workers/{id}/consent)' }),
    ethnicity: z.string().nullable(),
    politicalStatus: z.string().nullable(),
    education: z.string().nullable(),
    health: z.enum(HEALTH).nullable(),
    laborCapacity: z.enum(LABOR_CAPACITY),
    category: z.enum(CATEGORY),
    monitoringType: z.enum(MONITORING_TYPE).nullable(),
    employed: z.boolean(),
    currentEmployment: EmploymentView.nullable(),
    intention: z.enum(INTENTION).nullable(),
    notTransferredReason: z.string().nullable(),
    ageBand: z.enum(AGE_BANDS).meta({ description: '劳动年龄段 on today\'s date, from the birth date in the ID number: below 16; young 16–17; prime 18–50 (men) or 18–45 (women); older to 60 (men) or 55 (women); beyond' }),
    reasonMissing: z.boolean().meta({ description: 'Of working age, able to work, not in work, and no 未转移就业原因 recorded (seed 003 Longyan §3)' }),
    serviceNeeds: z.array(z.string()),
    skills: z.array(z.string()),
    regionCode: z.string(),
    householdId: z.uuid().nullable(),
    homeLat: z.number().nullable(),
    homeLng: z.number().nullable(),
    preferredLanguage: z.string(),
    payFloorFen: z.number().int().nullable(),
    status: z.enum(['active', 'left']),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Worker' });
export type WorkerView = z.infer<typeof WorkerView>;

export const WorkerListQuery = z
  .object({
    regionCode: RegionCode.optional(),
    q: text(40).optional().meta({ description: 'Part of a name, or a whole ID or phone number' }),
    category: z.enum(CATEGORY).optional(),
    laborCapacity: z.enum(LABOR_CAPACITY).optional(),
    employed: bool.optional(),
    householdId: z.uuid().optional(),
    workingAge: bool.optional().meta({ description: 'true: of working age today (劳动年龄段内); false: not' }),
    reasonMissing: bool.optional().meta({ description: 'true: of working age, able to work, not in work, with no 未转移就业原因 yet' }),
    ...PageQuery,
  })
  .strict();
export type WorkerListQuery = z.infer<typeof WorkerListQuery>;

export const RevealQuery = z
  .object({
    reveal: bool.optional(),
    purpose: text(200).min(4).optional().meta({ description: 'Why the unmasked numbers are needed; required with reveal=true, kept in the audit log' }),
  })
  .strict();

export const IdParams = z.object({ id: z.uuid() });

const fen = z.number().int().min(0).max(100_000_000).meta({ description: 'Money in fen (分)' });

export const EmploymentStart = z
  .object({
    employerName: text(100).min(1),
    place: text(100).nullish().meta({ description: '就业地点, e.g. 浙江省宁波市' }),
    placeRegionCode: RegionCode.nullish(),
    kind: z.enum(['regular', 'gig', 'seasonal', 'public_welfare', 'workshop', 'work_relief', 'self_employed']).nullish().meta({ description: 'public_welfare 公益性岗位, workshop 就业帮扶车间, work_relief 以工代赈, self_employed 自主创业 …; counted apart in the monthly figures' }),
    startDate: isoDate,
    monthlyIncomeFen: fen.nullish(),
    termEnd: isoDate.nullish().meta({ description: 'Public-welfare posts: the last day of the agreement (劳动合同或劳务协议), required, at most a year from the start (seed 004 §12)' }),
    partTime: z.boolean().optional().meta({ description: '非全日制: a part-time public-welfare post, whose holder may also take gigs (seed 000 national §2.4)' }),
  })
  .strict()
  .meta({ id: 'EmploymentStart' });
export type EmploymentStart = z.infer<typeof EmploymentStart>;

export const EmploymentEnd = z
  .object({
    endDate: isoDate,
    exitReason: text(200).min(2).optional().meta({ description: 'Why a public-welfare post holder leaves (有序退岗, seed 004 §12): required when the job ending is one', example: '协议到期，本人已在县内企业就业' }),
  })
  .strict()
  .meta({ id: 'EmploymentEnd' });

export const TrainingCreate = z
  .object({
    title: text(100).min(1),
    kind: text(30).nullish(),
    provider: text(100).nullish(),
    startDate: isoDate,
    endDate: isoDate.nullish(),
    certificate: text(100).nullish(),
  })
  .strict()
  .meta({ id: 'TrainingCreate' });
export type TrainingCreate = z.infer<typeof TrainingCreate>;

export const TrainingView = TrainingCreate.extend({
  id: z.uuid(),
  kind: z.string().nullable(),
  provider: z.string().nullable(),
  endDate: z.string().nullable(),
  certificate: z.string().nullable(),
  source: z.string(),
  createdAt: z.string(),
}).meta({ id: 'TrainingRecord' });

export const HouseholdCreate = z
  .object({
    regionCode: RegionCode,
    relocated: z.boolean().default(false),
    memberIds: z.array(z.uuid()).max(20).default([]),
  })
  .strict()
  .meta({ id: 'HouseholdCreate' });
export type HouseholdCreate = z.infer<typeof HouseholdCreate>;

export const HouseholdPatch = z
  .object({ relocated: z.boolean().optional(), addMemberIds: z.array(z.uuid()).max(20).optional(), removeMemberIds: z.array(z.uuid()).max(20).optional() })
  .strict()
  .meta({ id: 'HouseholdPatch' });
export type HouseholdPatch = z.infer<typeof HouseholdPatch>;

export const HouseholdView = z
  .object({
    id: z.uuid(),
    regionCode: z.string(),
    regionName: z.string().nullable().meta({ description: 'The name of the village (or region) the household is filed under' }),
    relocated: z.boolean(),
    members: z.number().int(),
    capableMembers: z.number().int(),
    employedMembers: z.number().int(),
    names: z.array(z.string()).meta({ description: 'Names of the members, eldest first' }),
    memberIds: z.array(z.uuid()).meta({ description: 'Their ids, in the same order' }),
    zeroEmployment: z.boolean().meta({ description: '零就业家庭: members with labour capacity, none employed' }),
    createdAt: z.string(),
  })
  .meta({ id: 'Household' });

export const HouseholdListQuery = z
  .object({ regionCode: RegionCode.optional(), zeroEmployment: bool.optional(), relocated: bool.optional(), ...PageQuery })
  .strict();
export type HouseholdListQuery = z.infer<typeof HouseholdListQuery>;

export const ZeroEmploymentSummaryQuery = z.object({ regionCode: RegionCode.optional() }).strict();

export const ExportQuery = z
  .object({
    regionCode: RegionCode.optional(),
    category: z.enum(CATEGORY).optional(),
    laborCapacity: z.enum(LABOR_CAPACITY).optional(),
    employed: bool.optional(),
    reveal: bool.optional().meta({ description: 'Unmasked: needs `approval`, the id of an export request a second administrator approved' }),
    purpose: text(200).min(4).optional(),
    approval: z.uuid().optional(),
  })
  .strict();

export const ExportRequestInput = z
  .object({
    regionCode: RegionCode.optional(),
    category: z.enum(CATEGORY).optional(),
    laborCapacity: z.enum(LABOR_CAPACITY).optional(),
    employed: z.boolean().optional(),
    purpose: text(200).min(4).meta({ description: 'Why the unmasked data is needed; kept with the export in the audit log' }),
  })
  .strict()
  .meta({ id: 'ExportRequestInput' });

export const ExportRequestView = z
  .object({
    id: z.uuid(),
    requestedBy: z.uuid(),
    regionCode: z.string(),
    filter: z.record(z.string(), z.unknown()),
    purpose: z.string(),
    status: z.enum(['pending', 'approved', 'rejected', 'used']),
    decidedBy: z.uuid().nullable(),
    decidedAt: z.string().nullable(),
    expiresAt: z.string().nullable(),
    usedAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'ExportRequest' });

export const ConsentInput = z
  .object({
    granted: z.boolean().meta({ description: 'true: consent given; false: withdrawn (stops all messages at once)' }),
    channel: z.enum(['station_form', 'chat', 'mini_program']).default('station_form'),
  })
  .strict()
  .meta({ id: 'ConsentInput' });

export const ConsentView = z
  .object({
    workerId: z.uuid(),
    granted: z.boolean(),
    noticeVersion: z.string(),
    history: z.array(z.object({ granted: z.boolean(), noticeVersion: z.string(), channel: z.string(), at: z.string(), recordedBy: z.uuid().nullable() })),
  })
  .meta({ id: 'Consent' });
