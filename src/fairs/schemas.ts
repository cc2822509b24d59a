import { z } from 'zod';
import { PageQuery, pageOf } from '../http/pagination';
import { RegionCode } from '../regions';
import { WorkerCreate, WorkerView, CATEGORY } from '../registry';

const text = (max: number) => z.string().trim().min(1).max(max);

export const FAIR_KINDS = ['on_site', 'live_stream', 'video'] as const;
export const FAIR_STATUSES = ['draft', 'announced', 'live', 'ended', 'reported', 'cancelled'] as const;
export const SIGNUP_STATUSES = ['signed_up', 'waiting', 'cancelled'] as const;

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

export const SignupView = z
  .object({
    id: z.uuid(),
    fairId: z.uuid(),
    workerId: z.uuid(),
    status: z.enum(SIGNUP_STATUSES),
    position: z.number().int().nullable().meta({ description: 'On the waiting list, the place in it now (1 is next); null otherwise' }),
    source: z.string().meta({ description: 'How the person came: station, desk, chat, mini_program…' }),
    checkedInAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'JobFairSignupView' });
export type SignupView = z.infer<typeof SignupView>;

export const SignupListQuery = z.object({ status: z.enum(SIGNUP_STATUSES).optional(), ...PageQuery }).strict();
export type SignupListQuery = z.infer<typeof SignupListQuery>;

/** A sign-up in the fair's list: the person as staff may see them (masked), and how and when they came. */
export const SignupListItem = z
  .object({
    workerId: z.uuid(),
    name: z.string(),
    idNumber: z.string().nullable().meta({ description: 'Masked' }),
    phone: z.string().nullable().meta({ description: 'Masked' }),
    status: z.enum(SIGNUP_STATUSES),
    source: z.string().meta({ description: 'How the person came: station, desk, chat, mini_program…' }),
    checkedInAt: z.string().nullable(),
    createdAt: z.string(),
  })
  .meta({ id: 'JobFairSignupListItem' });
export const SignupList = pageOf(SignupListItem).meta({ id: 'JobFairSignupList', description: 'Sign-ups of your region’s people, in the order they came' });
export type SignupList = z.infer<typeof SignupList>;

export const SignupCancelled = z
  .object({
    cancelled: z.literal(true),
    promotedWorkerId: z.uuid().nullable().meta({ description: 'The first on the waiting list, who took the freed place; null when no place was freed or nobody was waiting' }),
  })
  .meta({ id: 'JobFairSignupCancelled' });
export type SignupCancelled = z.infer<typeof SignupCancelled>;
export const WalkInView = z
  .object({ worker: WorkerView, signup: SignupView })
  .meta({ id: 'JobFairWalkInResult', description: 'The person as registered, and their check-in' });
export type WalkInView = z.infer<typeof WalkInView>;

export const PeopleQuery = z
  .object({ q: z.string().trim().min(1).max(40).meta({ description: 'Name, or the last four characters of the ID number' }) })
  .strict();

export const OnScreenInput = z.object({ vacancyId: z.uuid() }).strict().meta({ id: 'JobFairOnScreen' });

export const OutcomeQuery = z.object({ format: z.enum(['json', 'xlsx']).default('json') }).strict();

const Instant = z.iso.datetime({ offset: true });

/** The fair as staff see it: its window, place or link, audience, posts with their numbers, sign-up counts, check-in code. */
export const FairView = z
  .object({
    id: z.uuid(),
    kind: z.enum(FAIR_KINDS),
    title: z.string(),
    regionCode: z.string(),
    stationId: z.uuid().nullable(),
    startsAt: Instant,
    endsAt: Instant,
    address: z.string().nullable(),
    lat: z.number().nullable(),
    lng: z.number().nullable(),
    streamUrl: z.string().nullable(),
    audience: Audience,
    capacity: z.number().int().nullable(),
    campaign: z.string().nullable(),
    status: z.enum(FAIR_STATUSES),
    checkinCode: z.string(),
    checkinUrl: z.string(),
    onScreenVacancyId: z.uuid().nullable(),
    vacancies: z.array(
      z.object({
        seq: z.number().int().meta({ description: 'The post’s number at the fair (报名 and this number applies)' }),
        vacancyId: z.uuid(),
        title: z.string(),
        employer: z.string(),
        employerId: z.uuid(),
        headcount: z.number().int(),
        pay: z.string().meta({ description: 'The pay as people read it' }),
        status: z.string(),
        onScreen: z.boolean(),
      }),
    ),
    counts: z.object({ signedUp: z.number().int(), waiting: z.number().int(), cancelled: z.number().int(), checkedIn: z.number().int(), placesLeft: z.number().int().nullable().meta({ description: 'None when places are not counted' }) }),
    announcedAt: Instant.nullable(),
    liveAt: Instant.nullable(),
    endedAt: Instant.nullable(),
    createdAt: Instant,
    broadcastId: z.uuid().optional().meta({ description: 'On announcing: the broadcast that tells the audience' }),
  })
  .meta({ id: 'JobFair', description: 'The fair: kind, window, place or link, audience, capacity, posts with their numbers, sign-up counts, check-in code and URL' });

export const FairList = z
  .object({
    items: z.array(z.object({ id: z.uuid(), kind: z.enum(FAIR_KINDS), title: z.string(), status: z.enum(FAIR_STATUSES), startsAt: Instant, endsAt: Instant, campaign: z.string().nullable(), regionCode: z.string(), capacity: z.number().int().nullable() })),
    page: z.number().int(),
    pageSize: z.number().int(),
    total: z.number().int(),
  })
  .meta({ id: 'JobFairList' });

/** The check-in desk's search: people of the region with their sign-up for this fair, if any. */
export const FairPeople = z
  .object({ items: z.array(z.object({ workerId: z.uuid(), name: z.string(), idNumber: z.string().meta({ description: 'Masked' }), regionCode: z.string(), signup: z.enum(['signed_up', 'waiting', 'cancelled']).nullable(), checkedIn: z.boolean() })) })
  .meta({ id: 'JobFairPeople' });

const OutcomeTotals = z.object({ signedUp: z.number().int(), waiting: z.number().int(), cancelled: z.number().int(), checkedIn: z.number().int(), employers: z.number().int(), applications: z.number().int(), interviews: z.number().int(), hires: z.number().int() });
const OutcomeEmployer = z.object({ employerId: z.uuid(), employer: z.string(), vacancies: z.number().int(), applications: z.number().int(), interviews: z.number().int(), hires: z.number().int() });

/** What came of a fair: totals and per employer; the report kept when it was reported. */
export const FairOutcome = z
  .object({
    fair: z.object({ id: z.uuid(), title: z.string(), kind: z.enum(FAIR_KINDS), campaign: z.string().nullable(), status: z.enum(FAIR_STATUSES), startsAt: Instant, endsAt: Instant }),
    totals: OutcomeTotals,
    employers: z.array(OutcomeEmployer),
    report: z.object({ reportedAt: z.string(), totals: z.record(z.string(), z.number()), employers: z.array(z.record(z.string(), z.unknown())) }).nullable().meta({ description: 'The outcome as it stood when reported' }),
  })
  .meta({ id: 'JobFairOutcome' });
