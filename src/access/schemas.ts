import { z } from 'zod';
import { ContactView } from './contact';

export const LoginBody = z
  .object({
    username: z.string().trim().min(1).max(64),
    password: z.string().min(1).max(256),
    code: z.string().regex(/^\d{6}$/, 'expected the 6 digits of the authenticator app').optional().meta({ description: 'The second factor (TOTP), for accounts that have one' }),
  })
  .strict()
  .meta({ id: 'LoginBody' });
export type LoginBody = z.infer<typeof LoginBody>;

export const AccountView = z
  .object({
    id: z.uuid(),
    username: z.string(),
    displayName: z.string(),
    role: z.enum(['station', 'county', 'prefecture', 'province', 'system']),
    regionCode: z.string(),
    regionName: z.string().nullable(),
    stationId: z.uuid().nullable(),
    locale: z.string(),
    /** Where urgent notices are texted besides the inbox (set with PATCH /auth/me/contact). */
    contact: ContactView,
  })
  .meta({ id: 'Account' });
export type AccountView = z.infer<typeof AccountView>;

export const LoginResult = z
  .object({
    token: z.string().meta({ description: 'Send as `Authorization: Bearer <token>`' }),
    expiresAt: z.iso.datetime(),
    account: AccountView,
  })
  .meta({ id: 'LoginResult' });
