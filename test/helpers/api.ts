import request from 'supertest';
import { officialAccountDoor } from '../../bots/official-account';
import type { App } from 'supertest/types';
import { buildApp } from '../../src/app';
import type { StaffRole } from '../../src/shared/actor';
import { accounts } from '../../src/db/schema';
import { eq } from 'drizzle-orm';
import type { Harness } from './harness';
import { makeAccount, PASSWORD } from './factories';
import { checkingResponses } from './response-schemas';

/** A signed-in member of staff, with request helpers that carry the token. */
export interface Staff {
  id: string;
  token: string;
  get(path: string): request.Test;
  post(path: string, body?: object): request.Test;
  patch(path: string, body?: object): request.Test;
  put(path: string, body?: object): request.Test;
  delete(path: string): request.Test;
}

/** The service's HTTP app, with every answer checked against the schema its route declares. */
export function appOf(h: Harness): App {
  return checkingResponses(h.ctx, buildApp(h.ctx, { doors: [officialAccountDoor(h.ctx)] }).callback()) as unknown as App;
}

export async function signIn(
  h: Harness,
  app: App,
  opts: { role?: StaffRole; regionCode?: string; canRevealPii?: boolean } = {},
): Promise<Staff> {
  const account = await makeAccount(h.ctx.db, { role: opts.role, regionCode: opts.regionCode });
  if (opts.canRevealPii) await h.ctx.db.update(accounts).set({ canRevealPii: true }).where(eq(accounts.id, account.id));
  const res = await request(app).post('/api/v1/auth/login').send({ username: account.username, password: PASSWORD });
  if (res.status !== 200) throw new Error(`sign-in failed: ${res.status} ${JSON.stringify(res.body)}`);
  const token: string = res.body.token;
  const auth = (t: request.Test) => t.set('Authorization', `Bearer ${token}`);
  return {
    id: account.id,
    token,
    get: (p) => auth(request(app).get(p)),
    post: (p, b) => (b === undefined ? auth(request(app).post(p)) : auth(request(app).post(p)).send(b)),
    patch: (p, b) => auth(request(app).patch(p)).send(b ?? {}),
    put: (p, b) => auth(request(app).put(p)).send(b ?? {}),
    delete: (p) => auth(request(app).delete(p)),
  };
}
