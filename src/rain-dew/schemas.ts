import { z } from 'zod';
import { PageQuery } from '../http/pagination';
import { RegionCode } from '../regions';

const STATUS = ['studying', 'graduated', 'employed', 'seeking', 'further_study', 'enlisted', 'other'] as const;
const text = (max: number) => z.string().trim().min(1).max(max);

export const FileCreate = z
  .object({
    workerId: z.uuid(),
    school: text(100),
    major: text(60),
    level: z.enum(['secondary_vocational', 'higher_vocational', 'technician', 'other']).meta({ description: '中职, 高职, 技工院校, other' }),
    enrolledOn: z.iso.date().nullish(),
    expectedGraduation: z.iso.date(),
    caseWorkerId: z.uuid().nullish().meta({ description: 'A member of staff of the person’s home region' }),
  })
  .strict()
  .meta({ id: 'RainDewFileCreate' });
export type FileCreate = z.infer<typeof FileCreate>;

export const FilePatch = z
  .object({
    school: text(100).optional(),
    major: text(60).optional(),
    level: z.enum(['secondary_vocational', 'higher_vocational', 'technician', 'other']).optional(),
    expectedGraduation: z.iso.date().optional(),
    caseWorkerId: z.uuid().nullish(),
    status: z.enum(STATUS).optional().meta({ description: 'A change is recorded on the timeline' }),
  })
  .strict()
  .meta({ id: 'RainDewFilePatch' });
export type FilePatch = z.infer<typeof FilePatch>;

export const ContactInput = z
  .object({
    channel: z.enum(['phone', 'visit', 'chat', 'sms', 'other']),
    outcome: text(500),
    status: z.enum(STATUS).optional(),
  })
  .strict()
  .meta({ id: 'RainDewContact' });
export type ContactInput = z.infer<typeof ContactInput>;

export const SubsidyInput = z
  .object({ term: text(40).meta({ description: 'e.g. 2025年秋季学期' }), amountFen: z.number().int().min(1).max(10_000_000), paidOn: z.iso.date() })
  .strict()
  .meta({ id: 'RainDewSubsidy' });
export type SubsidyInput = z.infer<typeof SubsidyInput>;

export const WorklistQuery = z
  .object({
    regionCode: RegionCode.optional(),
    status: z.enum(STATUS).optional(),
    caseWorkerId: z.uuid().optional(),
    overdue: z.enum(['true', 'false']).optional().transform((v) => (v === undefined ? undefined : v === 'true')).meta({ description: 'Only files with actions past their due date' }),
    ...PageQuery,
  })
  .strict();

export const ActionInput = z
  .object({
    kind: z.enum(['guidance', 'referral', 'training', 'public_welfare', 'other']).meta({ description: 'career guidance, a referral to a vacancy, a training, a public-welfare post (last resort), other' }),
    description: text(300),
    ownerId: z.uuid().nullish().meta({ description: 'Default: you' }),
    dueOn: z.iso.date(),
  })
  .strict()
  .meta({ id: 'RainDewAction' });
export type ActionInput = z.infer<typeof ActionInput>;

const Instant = z.iso.datetime({ offset: true });
const Day = z.string().meta({ description: 'YYYY-MM-DD' });
const Status = z.enum(STATUS);

/** 一人一档 on one page: the person (masked), the file, its timeline, plan, subsidies, jobs, trainings, applications and messages. */
export const FileView = z
  .object({
    staff: z.record(z.string(), z.string()).meta({ description: 'Staff named on the file, by id' }),
    person: z.object({ id: z.uuid(), name: z.string(), idNumber: z.string(), phone: z.string().nullable(), regionCode: z.string(), employed: z.boolean() }),
    file: z.object({
      workerId: z.uuid(),
      regionCode: z.string(),
      school: z.string(),
      major: z.string(),
      level: z.enum(['secondary_vocational', 'higher_vocational', 'technician', 'other']),
      enrolledOn: Day.nullable(),
      expectedGraduation: Day,
      graduatedOn: Day.nullable(),
      status: Status,
      caseWorkerId: z.uuid().nullable(),
      lastContactAt: Instant.nullable(),
      createdAt: Instant,
      updatedAt: Instant,
    }),
    timeline: z.array(z.object({ kind: z.string(), channel: z.string().nullable(), outcome: z.string().nullable(), fromStatus: z.string().nullable(), toStatus: z.string().nullable(), by: z.uuid().nullable(), at: Instant })),
    subsidies: z.array(z.object({ term: z.string(), amountFen: z.number().int(), paidOn: Day })),
    plan: z.object({
      goal: z.string().nullable(),
      actions: z.array(z.object({ id: z.uuid(), kind: z.string(), description: z.string(), ownerId: z.uuid().nullable(), dueOn: Day, status: z.enum(['open', 'done', 'dropped']), outcome: z.string().nullable(), overdue: z.boolean() })),
    }),
    employment: z.array(z.object({ employerName: z.string(), placeRegionCode: z.string().nullable(), startDate: Day, endDate: Day.nullable(), monthlyIncomeFen: z.number().int().nullable() })),
    trainings: z.array(z.object({ title: z.string(), startDate: z.string(), status: z.string() })),
    applications: z.array(z.object({ id: z.uuid(), title: z.string(), status: z.string(), createdAt: Instant })),
    messages: z.array(z.object({ id: z.uuid(), status: z.string(), channel: z.string(), reason: z.string().nullable(), sentAt: Instant.nullable(), createdAt: Instant })),
  })
  .meta({ id: 'RainDewFile', description: 'person (masked), file, timeline, subsidies, employment, trainings, applications, messages' });

const WorklistTotals = z.object({ files: z.number().int(), graduated: z.number().int(), employed: z.number().int(), contactedThisMonth: z.number().int(), overdue: z.number().int(), employedShare: z.number().nullable().meta({ description: 'Of those out of school, the share in work; none while nobody is out of school' }) });

/** The case workers' worklist, riskiest first, with the region's totals. */
export const Worklist = z
  .object({
    items: z.array(
      z.object({
        workerId: z.uuid(),
        name: z.string(),
        school: z.string(),
        major: z.string(),
        status: Status,
        expectedGraduation: Day,
        graduatedOn: Day.nullable(),
        daysWithoutWork: z.number().int().nullable(),
        lastContactAt: Instant.nullable(),
        caseWorkerId: z.uuid().nullable(),
        overdueActions: z.number().int(),
      }),
    ),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
    totals: WorklistTotals,
  })
  .meta({ id: 'RainDewWorklist' });

const Reasoned = { id: z.uuid(), title: z.string(), reasons: z.array(z.string()) };

/** What might fit the graduate next (only with their consent to matching), and the public-welfare post as the last resort. */
export const Suggestions = z
  .object({
    consent: z.boolean(),
    vacancies: z.array(z.object({ ...Reasoned, kind: z.string() })),
    trainings: z.array(z.object(Reasoned)),
    publicWelfare: z.object({ reason: z.string() }).nullable(),
  })
  .meta({ id: 'RainDewSuggestions' });
