import { z } from 'zod';
import { NO_DEFAULTS, WorkerCreate } from '../registry';

export const LoginBody = z
  .object({ code: z.string().trim().min(1).max(128).meta({ description: 'The code from wx.login', example: '0a3Xyz000abc' }) })
  .strict()
  .meta({ id: 'MeLogin' });

export const LoginView = z
  .object({ token: z.string().meta({ example: 'bfw_…' }), expiresAt: z.string(), bound: z.boolean().meta({ description: 'false: bind first (POST /api/v1/me/bind)' }) })
  .meta({ id: 'MeSession' });

export const BindBody = z
  .union([
    z.object({ code: z.string().regex(/^\d{6}$/, 'errors:detail.me.binding_code').meta({ description: 'The 6-digit binding code from the station', example: '482913' }) }).strict(),
    z.object({ name: z.string().trim().min(1).max(50), idNumber: z.string().trim().min(15).max(20).meta({ example: '532528198503070512' }) }).strict(),
  ])
  .meta({ id: 'MeBind' });

export const PhoneBody = z.object({ code: z.string().trim().min(1).max(128).meta({ description: 'The code from the getPhoneNumber button' }) }).strict().meta({ id: 'MePhone' });

/** What a person may correct about themselves: contact details, intentions, skills, home. */
export const ProfilePatch = WorkerCreate.pick({ phone: true, intention: true, skills: true, homeLat: true, homeLng: true, preferredLanguage: true, payFloorFen: true })
  .partial()
  .extend({ skills: NO_DEFAULTS.skills, preferredLanguage: NO_DEFAULTS.preferredLanguage })
  .strict()
  .meta({ id: 'MeProfilePatch', example: { intention: 'in_county', skills: ['保洁', '种植'], homeLat: 23.2236, homeLng: 102.8253 } });
export type ProfilePatch = z.infer<typeof ProfilePatch>;

export const NearbyQuery = z
  .object({
    lat: z.coerce.number().min(-90).max(90).optional().meta({ description: 'Centre of the map (default: home)', example: 23.2236 }),
    lng: z.coerce.number().min(-180).max(180).optional().meta({ example: 102.8253 }),
    radiusKm: z.coerce.number().min(0.5).max(100).optional().meta({ description: 'Default: the circle around home matching uses (MATCH_RADIUS_KM, 5 km unless set)' }),
    kind: z.enum(['gig', 'job', 'all']).default('all'),
    cluster: z.coerce.number().int().min(1).max(7).optional().meta({ description: 'Zoomed out: group the posts by geohash cells of this many characters' }),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(100).default(20),
  })
  .strict();
export type NearbyQuery = z.infer<typeof NearbyQuery>;

export const SearchQuery = z
  .object({
    q: z.string().trim().min(1).max(50).meta({ example: '保洁 日结' }),
    kind: z.enum(['gig', 'regular', 'seasonal', 'public_welfare', 'workshop', 'work_relief']).optional(),
    page: z.coerce.number().int().min(1).max(1000).default(1),
    pageSize: z.coerce.number().int().min(1).max(50).default(20),
  })
  .strict();

export const PaidBody = z
  .object({ paid: z.boolean(), amountFen: z.number().int().min(0).max(10_000_000).optional().meta({ description: 'With paid=false: how much is owed' }) })
  .strict()
  .meta({ id: 'MePaid' });

export const ConsentBody = z
  .object({ templateIds: z.array(z.string().trim().min(8).max(100)).min(1).max(10).meta({ description: 'The templates accepted in wx.requestSubscribeMessage' }) })
  .strict()
  .meta({ id: 'MeSubscribeConsents' });

export const CheckinBody = z.object({ code: z.string().trim().min(6).max(6).meta({ description: 'The code in the fair’s QR code', example: 'AB12CD' }) }).strict().meta({ id: 'MeFairCheckin' });
