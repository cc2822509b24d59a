import { z } from 'zod';
import { PageQuery } from '../http/pagination';
import { RegionCode } from '../regions/schemas';

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
