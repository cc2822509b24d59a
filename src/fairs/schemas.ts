import { z } from 'zod';
import { PageQuery } from '../http/pagination';
import { RegionCode } from '../regions/schemas';
import { WorkerCreate } from '../registry/schemas';
import { CATEGORY } from '../registry/vocab';

const text = (max: number) => z.string().trim().min(1).max(max);

export const FAIR_KINDS = ['on_site', 'live_stream', 'video'] as const;
export const FAIR_STATUSES = ['draft', 'announced', 'live', 'ended', 'reported', 'cancelled'] as const;

const Audience = z
  .object({
    regionCode: RegionCode,
    categories: z.array(z.enum(CATEGORY)).max(CATEGORY.length).optional(),
    relocatedOnly: z.boolean().optional().meta({ description: '乐业搬迁专场: only people of relocated households' }),
  })
  .strict();

const FairFields = {
  kind: z.enum(FAIR_KINDS).meta({ description: 'on_site 现场, live_stream 直播带岗, video 视频带岗' }),
  title: text(80),
  startsAt: z.iso.datetime({ offset: true }),
  endsAt: z.iso.datetime({ offset: true }),
  address: text(200).nullish(),
  lat: z.number().min(-90).max(90).nullish(),
  lng: z.number().min(-180).max(180).nullish(),
  streamUrl: z.url({ protocol: /^https?$/ }).max(500).nullish().meta({ description: 'A WeChat Channels live link or any http(s) URL' }),
  audience: Audience,
  capacity: z.number().int().min(1).max(100000).nullish().meta({ description: 'Places for sign-ups; none means no limit' }),
  campaign: text(40).nullish().meta({ description: '春风行动, 10+N, 乐业搬迁 …' }),
  stationId: z.uuid().nullish(),
};

export const FairCreate = z
  .object({ ...FairFields, vacancyIds: z.array(z.uuid()).max(200).default([]).meta({ description: 'Open posts the participating employers bring' }) })
  .strict()
  .meta({ id: 'JobFairCreate' });
export type FairCreate = z.infer<typeof FairCreate>;

export const FairPatch = z
  .object({
    title: FairFields.title.optional(),
    startsAt: FairFields.startsAt.optional(),
    endsAt: FairFields.endsAt.optional(),
    address: FairFields.address,
    lat: FairFields.lat,
    lng: FairFields.lng,
    streamUrl: FairFields.streamUrl,
    audience: Audience.optional(),
    capacity: FairFields.capacity,
    campaign: FairFields.campaign,
  })
  .strict()
  .meta({ id: 'JobFairPatch' });
export type FairPatch = z.infer<typeof FairPatch>;

export const FairListQuery = z
  .object({
    regionCode: RegionCode.optional(),
    status: z.enum(FAIR_STATUSES).optional(),
    campaign: z.string().max(40).optional(),
    from: z.iso.date().optional().meta({ description: 'Fairs starting on or after this day' }),
    to: z.iso.date().optional(),
    ...PageQuery,
  })
  .strict();

export const VacancyIds = z.object({ vacancyIds: z.array(z.uuid()).min(1).max(200) }).strict().meta({ id: 'JobFairVacancies' });

export const SignupInput = z.object({ workerId: z.uuid() }).strict().meta({ id: 'JobFairSignup' });

export const CheckinInput = z
  .object({ workerId: z.uuid() })
  .strict()
  .meta({ id: 'JobFairCheckin', description: 'Staff at the desk check in a person found by name or masked ID (see /fairs/{id}/people)' });

export const WalkIn = WorkerCreate.meta({ id: 'JobFairWalkIn', description: 'A person not yet registered: registered with the register’s rules, then checked in' });

export const PeopleQuery = z
  .object({ q: z.string().trim().min(1).max(40).meta({ description: 'Name, or the last four characters of the ID number' }) })
  .strict();

export const OnScreenInput = z.object({ vacancyId: z.uuid() }).strict().meta({ id: 'JobFairOnScreen' });

export const OutcomeQuery = z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict();
