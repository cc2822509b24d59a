import { z } from 'zod';
import { PageQuery } from '../http/pagination';
import { RegionCode } from '../regions';

const text = (max: number) => z.string().trim().max(max);
const lat = z.number().min(-90).max(90);
const lng = z.number().min(-180).max(180);
const fen = z.number().int().min(0).max(100_000_000);
const bool = z.enum(['true', 'false']).transform((v) => v === 'true');

export const EMPLOYER_KINDS = ['enterprise', 'workshop', 'work_relief_contractor', 'village_committee', 'hr_agency', 'labour_broker', 'labour_cooperative'] as const;
export const VACANCY_KINDS = ['regular', 'seasonal', 'gig', 'public_welfare', 'work_relief', 'workshop'] as const;
export const PAY_UNITS = ['hour', 'day', 'month', 'piece'] as const;
export const TRAINING_KINDS = ['order', 'targeted', 'post_specific', 'pre_employment', 'apprenticeship', 'pre_job', 'upskilling'] as const;

export const EmployerCreate = z
  .object({
    name: text(100).min(2),
    kind: z.enum(EMPLOYER_KINDS),
    creditCode: z.string().trim().toUpperCase().regex(/^[0-9A-HJ-NPQRTUWXY]{18}$/, 'errors:detail.market.credit_code').nullish(),
    regionCode: RegionCode,
    address: text(200).nullish(),
    lat: lat.nullish(),
    lng: lng.nullish(),
    contactName: text(50).nullish(),
    contactPhone: z.string().max(30).nullish(),
    workshopTier: text(30).nullish().meta({ description: 'Support tier of an assistance workshop (就业帮扶车间)' }),
  })
  .strict()
  .meta({ id: 'EmployerCreate' });
export type EmployerCreate = z.infer<typeof EmployerCreate>;

export const EmployerView = z
  .object({
    id: z.uuid(),
    name: z.string(),
    kind: z.enum(EMPLOYER_KINDS),
    creditCode: z.string().nullable(),
    regionCode: z.string(),
    address: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    contactName: z.string().nullable(),
    contactPhone: z.string().nullable().meta({ description: 'Masked' }),
    workshopTier: z.string().nullable(),
    verified: z.boolean(),
    createdAt: z.string(),
  })
  .meta({ id: 'Employer' });

export const EmployerListQuery = z.object({ regionCode: RegionCode.optional(), kind: z.enum(EMPLOYER_KINDS).optional(), verified: bool.optional(), ...PageQuery }).strict();

const GigDetails = z
  .object({
    date: z.iso.date(),
    startTime: z.string().regex(/^\d{2}:\d{2}$/),
    endTime: z.string().regex(/^\d{2}:\d{2}$/),
    /** Days after completion by which the pay is due; past it, an unconfirmed payment opens a wage case. */
    paymentDueDays: z.number().int().min(0).max(60).default(3),
  })
  .strict();
const SeasonalDetails = z.object({ destination: text(100).min(1), departureDate: z.iso.date(), groupTravel: z.boolean().default(true) }).strict();
/** The government-invested project a post is for (/projects): people from relocation sites are put forward first (seed 004 §15). */
const projectId = z.uuid().optional();
const PublicWelfareDetails = z.object({ contractMonths: z.number().int().min(1).max(120), duties: text(200).optional(), projectId }).strict();
const WorkReliefDetails = z.object({ project: text(100).min(1), paySchedule: z.enum(['weekly', 'monthly', 'on_completion']), projectId }).strict();
const RegularDetails = z.object({ projectId }).strict();
const NoDetails = z.object({}).strict();

export const DETAIL_SCHEMAS = {
  regular: RegularDetails,
  workshop: NoDetails,
  gig: GigDetails,
  seasonal: SeasonalDetails,
  public_welfare: PublicWelfareDetails,
  work_relief: WorkReliefDetails,
} as const;

export const VacancyCreate = z
  .object({
    employerId: z.uuid(),
    kind: z.enum(VACANCY_KINDS),
    title: text(60).min(2),
    description: text(2000).default(''),
    requirements: text(500).default(''),
    regionCode: RegionCode,
    address: text(200).nullish(),
    lat: lat.nullish(),
    lng: lng.nullish(),
    payMinFen: fen,
    payMaxFen: fen,
    payUnit: z.enum(PAY_UNITS),
    requiredSkills: z.array(text(20).min(1)).max(10).default([]),
    hours: text(100).nullish(),
    headcount: z.number().int().min(1).max(10000),
    expiresAt: z.iso.datetime({ offset: true }).optional().meta({ description: 'Default: 30 days from now, or the end of a gig’s day' }),
    details: z.record(z.string(), z.unknown()).default({}).meta({ description: 'By kind: gig {date, startTime, endTime, paymentDueDays}; seasonal {destination, departureDate, groupTravel}; public_welfare {contractMonths ≤ 12}; work_relief {project, paySchedule}; regular, public_welfare and work_relief may name projectId, a government-invested project of the region' }),
    publish: z.boolean().default(true).meta({ description: 'Open at once (default) or keep as a draft' }),
  })
  .strict()
  .meta({ id: 'VacancyCreate' });
export type VacancyCreate = z.infer<typeof VacancyCreate>;

export const VacancyPatch = z
  .object({
    title: text(60).min(2).optional(),
    description: text(2000).optional(),
    requirements: text(500).optional(),
    payMinFen: fen.optional(),
    payMaxFen: fen.optional(),
    headcount: z.number().int().min(1).max(10000).optional(),
    expiresAt: z.iso.datetime({ offset: true }).optional(),
    status: z.enum(['open', 'closed']).optional().meta({ description: 'Publish a draft, or close' }),
    regionCode: RegionCode.optional().meta({ description: "Where the work is done, corrected: a village (or other region) of the caller's area, inside the post's own county" }),
    address: text(200).nullish().meta({ description: 'The address, corrected; null clears it' }),
    lat: lat.nullish().meta({ description: 'The point, corrected (both coordinates or neither); null clears it' }),
    lng: lng.nullish(),
  })
  .strict()
  .meta({ id: 'VacancyPatch' });
export type VacancyPatch = z.infer<typeof VacancyPatch>;

export const VacancyView = z
  .object({
    id: z.uuid(),
    employerId: z.uuid(),
    employerName: z.string(),
    kind: z.enum(VACANCY_KINDS),
    title: z.string(),
    description: z.string(),
    requirements: z.string(),
    regionCode: z.string(),
    regionName: z.string().nullable().meta({ description: 'The name of the village (or region) where the work is done; null for a code the deployment has not loaded' }),
    address: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    payMinFen: z.number().int(),
    payMaxFen: z.number().int(),
    payUnit: z.enum(PAY_UNITS),
    requiredSkills: z.array(z.string()),
    hours: z.string().nullable(),
    headcount: z.number().int(),
    filled: z.number().int(),
    status: z.enum(['draft', 'open', 'filled', 'closed', 'expired']),
    expiresAt: z.string(),
    details: z.record(z.string(), z.unknown()),
    createdAt: z.string(),
  })
  .meta({ id: 'Vacancy' });

export const VacancyListQuery = z
  .object({
    regionCode: RegionCode.optional(),
    kind: z.enum(VACANCY_KINDS).optional(),
    status: z.enum(['draft', 'open', 'filled', 'closed', 'expired']).optional(),
    employerId: z.uuid().optional(),
    q: text(50).optional().meta({ description: 'Words in the title or description (Chinese is cut into words)' }),
    ...PageQuery,
  })
  .strict();

export const TrainingSessionCreate = z
  .object({
    kind: z.enum(TRAINING_KINDS),
    title: text(60).min(2),
    provider: text(100).min(2),
    regionCode: RegionCode,
    place: text(200).nullish(),
    lat: lat.nullish(),
    lng: lng.nullish(),
    startDate: z.iso.date(),
    endDate: z.iso.date(),
    capacity: z.number().int().min(1).max(10000),
    skills: z.array(text(20).min(1)).max(10).default([]),
    trainingSubsidyFen: fen.default(0),
    livingAllowanceFen: fen.default(0).meta({ description: '生活费补贴 during training, in fen' }),
    vacancyIds: z.array(z.uuid()).max(20).default([]).meta({ description: 'Order-based training (订单式): the vacancies it leads to' }),
  })
  .strict()
  .meta({ id: 'TrainingSessionCreate' });
export type TrainingSessionCreate = z.infer<typeof TrainingSessionCreate>;

export const TrainingSessionView = TrainingSessionCreate.omit({})
  .extend({
    id: z.uuid(),
    place: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    enrolled: z.number().int(),
    status: z.enum(['open', 'closed', 'cancelled']),
    createdAt: z.string(),
  })
  .meta({ id: 'TrainingSession' });

export const TrainingListQuery = z
  .object({ regionCode: RegionCode.optional(), kind: z.enum(TRAINING_KINDS).optional(), q: text(50).optional(), ...PageQuery })
  .strict();

export const WorkerRef = z.object({ workerId: z.uuid() }).strict().meta({ id: 'WorkerRef' });

export const APPLICATION_STATUSES = ['applied', 'interview', 'hired', 'rejected', 'no_show', 'withdrawn', 'accepted', 'checked_in', 'completed'] as const;

export const ApplicationCreate = z
  .object({
    workerId: z.uuid(),
    source: z.enum(['station', 'chat', 'mini_program', 'fair']).default('station'),
    fairId: z.uuid().optional().meta({ description: 'The job fair the application is made at (the post must be one of its posts); counted in its outcome' }),
  })
  .strict()
  .meta({ id: 'ApplicationCreate' });

export const ApplicationMove = z
  .object({
    status: z.enum(['interview', 'hired', 'rejected', 'no_show', 'withdrawn', 'accepted', 'checked_in', 'completed']),
    startDate: z.iso.date().optional().meta({ description: 'With hired: the first day of work (default today)' }),
    monthlyIncomeFen: fen.optional().meta({ description: 'With hired: agreed monthly pay' }),
  })
  .strict()
  .meta({ id: 'ApplicationMove' });
export type ApplicationMove = z.infer<typeof ApplicationMove>;

export const PaymentReport = z
  .object({ paid: z.boolean(), amountFen: fen.optional().meta({ description: 'Owed amount, when not paid' }) })
  .strict()
  .meta({ id: 'PaymentReport' });

export const ApplicationView = z
  .object({
    id: z.uuid(),
    vacancyId: z.uuid(),
    vacancyTitle: z.string(),
    vacancyKind: z.enum(VACANCY_KINDS),
    workerId: z.uuid(),
    workerName: z.string(),
    status: z.enum(APPLICATION_STATUSES),
    source: z.enum(['station', 'chat', 'mini_program', 'fair']),
    fairId: z.uuid().nullable(),
    paid: z.boolean().nullable(),
    wageDueAt: z.string().nullable(),
    history: z.array(z.object({ status: z.string(), at: z.string(), by: z.string().nullable() })),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .meta({ id: 'Application' });

export const ApplicationListQuery = z
  .object({ status: z.enum(APPLICATION_STATUSES).optional(), workerId: z.uuid().optional(), ...PageQuery })
  .strict();

export const MatchQuery = z
  .object({
    kind: z.enum([...VACANCY_KINDS, 'training']).optional(),
    radiusKm: z.coerce.number().min(0.5).max(500).optional().meta({ description: 'Radius of the circle around home (default 5 km; 15分钟就业服务圈)' }),
    limit: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();

export const Match = z
  .object({
    type: z.enum(['vacancy', 'training']),
    id: z.uuid(),
    title: z.string(),
    kind: z.string(),
    score: z.number(),
    distanceKm: z.number().nullable(),
    reasons: z.array(z.string()),
    summary: z.string().meta({ example: '距离 2.1 公里 · 技能：保洁 · 日薪 180 元' }),
  })
  .meta({ id: 'Match' });

export const Candidate = z
  .object({
    workerId: z.uuid(),
    name: z.string(),
    score: z.number(),
    distanceKm: z.number().nullable(),
    relocation: z.boolean().meta({ description: 'From a relocation site, put first for a post of a government-invested project (seed 004 §15)' }),
    reasons: z.array(z.string()),
    summary: z.string(),
  })
  .meta({ id: 'Candidate' });

export const WageCaseView = z
  .object({
    id: z.uuid(),
    applicationId: z.uuid().nullable(),
    workerId: z.uuid(),
    employerId: z.uuid().nullable(),
    regionCode: z.string(),
    amountFen: z.number().int().nullable(),
    reason: z.string().meta({ description: 'worker_report (after a gig), overdue, or reported_by_chat' }),
    description: z.string().nullable().meta({ description: "The person's own words when reported by chat (numbers masked)" }),
    status: z.enum(['open', 'resolved']),
    openedAt: z.string(),
    resolvedAt: z.string().nullable(),
    note: z.string().nullable(),
    workerName: z.string().optional().meta({ description: 'In lists' }),
    employerName: z.string().nullable().optional().meta({ description: 'In lists' }),
  })
  .meta({ id: 'WageCase' });
