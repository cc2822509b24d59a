import argon2 from 'argon2';
import { and, eq } from 'drizzle-orm';
import request from 'supertest';
import { buildApp } from '../../src/app';
import { checkingResponses } from '../helpers/response-schemas';
import { accounts, auditLog } from '../../src/db/schema';
import { ADDRESS_FAILURES, FIRST_DELAY_MS, FREE_TRIES, admit, failed } from '../../src/access/throttle';
import { ManualClock } from '../../src/shared/clock';
import { createHarness, type Harness } from '../helpers/harness';
import { makeAccount, PASSWORD, seedRegions } from '../helpers/factories';

describe('signing in while someone tries to guess', () => {
  let h: Harness;
  let clock: ManualClock;
  let server: ReturnType<ReturnType<typeof buildApp>['callback']>;

  beforeAll(async () => {
    clock = new ManualClock('2026-12-02T01:00:00Z');
    h = await createHarness({ clock, env: { TRUST_PROXY: 'true' } });
    await seedRegions(h.ctx.db);
    server = checkingResponses(h.ctx, buildApp(h.ctx).callback());
  });
  afterAll(() => h.close());

  const from = (ip: string, username: string, password: string, lang = 'zh-CN') =>
    request(server).post('/api/v1/auth/login').set('X-Forwarded-For', ip).set('Accept-Language', lang).send({ username, password });
  /** The answer without what differs on every request. */
  const shape = (res: request.Response) => ({ status: res.status, retryAfter: res.headers['retry-after'], code: res.body.error?.code, message: res.body.error?.message, details: res.body.error?.details });
  /** Wrong passwords from one address, waiting out each delay on the clock, so every one of them is checked. */
  async function failMany(ip: string, username: string, times: number): Promise<void> {
    for (let i = 0; i < times; ) {
      const res = await from(ip, username, `guess-${i}`);
      if (res.status === 429) clock.advance(Number(res.headers['retry-after']) * 1000);
      else {
        expect(res.status).toBe(401);
        i++;
      }
    }
  }
  const refusals = async (reason: string) =>
    (await h.ctx.db.select().from(auditLog).where(eq(auditLog.action, 'auth.login_refused'))).filter((r) => (r.details as { reason?: string }).reason === reason);

  it('a stranger failing again and again from one address does not lock the owner out from another', async () => {
    const owner = await makeAccount(h.ctx.db, { username: 'admin-like' });
    await failMany('203.0.113.10', 'admin-like', 12);
    expect((await from('203.0.113.10', 'admin-like', 'one more')).status).toBe(429);
    const mine = await from('198.51.100.20', 'admin-like', PASSWORD);
    expect(mine.status).toBe(200);
    expect(mine.body.account.id).toBe(owner.id);
    const failed = await h.ctx.db.select().from(auditLog).where(and(eq(auditLog.action, 'auth.login_failed'), eq(auditLog.actorId, owner.id)));
    expect(failed).toHaveLength(12);
    expect((await refusals('throttled')).some((r) => r.actorId === owner.id && r.ip === '203.0.113.10')).toBe(true);
  });

  it('makes each try from the same address wait twice as long as the one before, even with the right password, and says how long in words', async () => {
    await makeAccount(h.ctx.db, { username: 'slowed' });
    for (let i = 0; i < FREE_TRIES; i++) expect((await from('203.0.113.11', 'slowed', `typo-${i}`)).status).toBe(401);
    const waits: number[] = [];
    for (let round = 0; round < 4; round++) {
      expect((await from('203.0.113.11', 'slowed', `guess-${round}`)).status).toBe(401);
      const refused = await from('203.0.113.11', 'slowed', PASSWORD);
      expect(refused.status).toBe(429);
      expect(refused.body.error.code).toBe('rate_limited');
      waits.push(Number(refused.headers['retry-after']));
      clock.advance(waits.at(-1)! * 1000);
    }
    expect(waits).toEqual([1, 2, 4, 8].map((k) => (k * FIRST_DELAY_MS) / 1000));
    // Wait out the next delay before asking, so the message is read while a try is refused.
    expect((await from('203.0.113.11', 'slowed', 'guess-again')).status).toBe(401);
    const zh = await from('203.0.113.11', 'slowed', PASSWORD);
    expect(zh.body.error.message).toBe('登录失败次数过多，请 2 分钟后再试');
    const en = await from('203.0.113.11', 'slowed', PASSWORD, 'en');
    expect(en.body.error.message).toBe('Too many failed sign-ins; try again in 2 minutes');
    expect(en.headers['retry-after']).toBe('80');
    clock.advance(80_000);
    expect((await from('203.0.113.11', 'slowed', PASSWORD)).status).toBe(200);
    // The right password starts the count again.
    expect((await from('203.0.113.11', 'slowed', 'typo-after')).status).toBe(401);
    expect((await from('203.0.113.11', 'slowed', PASSWORD)).status).toBe(200);
  });

  it('a burst of tries at once from one address gets no further than tries one after another', async () => {
    await makeAccount(h.ctx.db, { username: 'burst' });
    const answers = await Promise.all(Array.from({ length: 10 }, (_, i) => from('203.0.113.80', 'burst', `guess-${i}`)));
    const statuses = answers.map((r) => r.status).sort();
    expect(statuses).toEqual([...Array(FREE_TRIES + 1).fill(401), ...Array(10 - FREE_TRIES - 1).fill(429)]);
  });

  it('locks the account for everyone only once 20 different addresses have failed on it', async () => {
    expect(h.config.auth.lockAddresses).toBe(20);
    const target = await makeAccount(h.ctx.db, { username: 'sprayed' });
    for (let i = 1; i < 20; i++) expect((await from(`192.0.2.${i}`, 'sprayed', 'wrong')).status).toBe(401);
    expect((await from('198.51.100.30', 'sprayed', PASSWORD)).status).toBe(200);
    expect((await from('192.0.2.20', 'sprayed', 'wrong')).status).toBe(401);
    const locked = await from('198.51.100.31', 'sprayed', PASSWORD);
    expect(shape(locked)).toMatchObject({ status: 429, retryAfter: String(h.config.auth.lockMinutes * 60), message: `登录失败次数过多，请 ${h.config.auth.lockMinutes} 分钟后再试` });
    expect((await refusals('locked')).some((r) => r.actorId === target.id)).toBe(true);
    clock.advance(h.config.auth.lockMinutes * 60_000);
    expect((await from('198.51.100.31', 'sprayed', PASSWORD)).status).toBe(200);
  });

  it('a new password set by an administrator lifts the account lock', async () => {
    const target = await makeAccount(h.ctx.db, { username: 'reset-me' });
    for (let i = 1; i <= 20; i++) expect((await from(`192.0.2.${100 + i}`, 'reset-me', 'wrong')).status).toBe(401);
    expect((await from('198.51.100.40', 'reset-me', PASSWORD)).status).toBe(429);
    await makeAccount(h.ctx.db, { username: 'county-admin', role: 'county', regionCode: '532528' });
    const token = (await from('198.51.100.41', 'county-admin', PASSWORD)).body.token as string;
    const patched = await request(server).patch(`/api/v1/accounts/${target.id}`).set('Authorization', `Bearer ${token}`).send({ password: 'a brand new password 2026' });
    expect(patched.status).toBe(200);
    expect((await from('198.51.100.40', 'reset-me', 'a brand new password 2026')).status).toBe(200);
  });

  it(`an address that fails ${ADDRESS_FAILURES} times, whatever the names, waits; other addresses do not`, async () => {
    const a = await makeAccount(h.ctx.db, { username: 'bystander' });
    for (let i = 0; i < ADDRESS_FAILURES; i++) expect((await from('203.0.113.70', `nobody-${i}`, 'wrong')).status).toBe(401);
    const refused = await from('203.0.113.70', 'bystander', PASSWORD);
    expect(shape(refused)).toMatchObject({ status: 429, retryAfter: String(h.config.auth.lockMinutes * 60) });
    expect((await refusals('address_locked')).some((r) => r.actorId === a.id && r.ip === '203.0.113.70')).toBe(true);
    expect((await from('198.51.100.70', 'bystander', PASSWORD)).status).toBe(200);
  });

  it('counts the addresses of one IPv6 /64 as one address, and an IPv4-mapped address as the IPv4 one', async () => {
    const a = await makeAccount(h.ctx.db, { username: 'v6-bystander' });
    // One host with a /64 writes a fresh address on every try: it is still one address.
    for (let i = 1; i <= ADDRESS_FAILURES; i++) expect((await from(`2001:db8:6:1::${i.toString(16)}`, `v6-nobody-${i}`, 'wrong')).status).toBe(401);
    const refused = await from('2001:db8:6:1:ffff:ffff:ffff:fffe', 'v6-bystander', PASSWORD);
    expect(shape(refused)).toMatchObject({ status: 429, retryAfter: String(h.config.auth.lockMinutes * 60) });
    expect((await refusals('address_locked')).some((r) => r.actorId === a.id && r.ip === '2001:db8:6:1:ffff:ffff:ffff:fffe')).toBe(true);
    // The next /64 is someone else.
    expect((await from('2001:db8:6:2::1', 'v6-bystander', PASSWORD)).status).toBe(200);

    await makeAccount(h.ctx.db, { username: 'v6-slowed' });
    for (let i = 0; i <= FREE_TRIES; i++) expect((await from(`2001:db8:6:3::${i + 1}`, 'v6-slowed', `guess-${i}`)).status).toBe(401);
    expect((await from('2001:db8:6:3::99', 'v6-slowed', PASSWORD)).status).toBe(429);
    for (let i = 0; i <= FREE_TRIES; i++) expect((await from('192.0.2.240', 'v6-slowed', `guess-${i}`)).status).toBe(401);
    expect((await from('::ffff:192.0.2.240', 'v6-slowed', PASSWORD)).status).toBe(429);
  });

  it('locks an account only once 20 different IPv6 /64s have failed on it, however many addresses each used', async () => {
    await makeAccount(h.ctx.db, { username: 'v6-sprayed' });
    // Nineteen /64s, the first of them trying from as many addresses as its free tries allow.
    for (let i = 0; i <= FREE_TRIES; i++) expect((await from(`2001:db8:7:100::${i + 1}`, 'v6-sprayed', 'wrong')).status).toBe(401);
    for (let net = 101; net < 119; net++) expect((await from(`2001:db8:7:${net}::1`, 'v6-sprayed', 'wrong')).status).toBe(401);
    expect((await from('198.51.100.90', 'v6-sprayed', PASSWORD)).status).toBe(200);
    expect((await from('2001:db8:7:119::1', 'v6-sprayed', 'wrong')).status).toBe(401);
    expect(shape(await from('198.51.100.91', 'v6-sprayed', PASSWORD))).toMatchObject({ status: 429, retryAfter: String(h.config.auth.lockMinutes * 60) });
  });

  it('keeps a name and address that never failed only as long as the lock time, and one that failed for a day', async () => {
    const kv = h.ctx.redis.kv;
    const prefix = kv.options.keyPrefix ?? '';
    const pairKeys = async () => new Set((await kv.keys(`${prefix}login:pair:*`)).map((k) => k.slice(prefix.length)));
    const before = await pairKeys();
    expect(await admit(h.ctx, 'never-fails', '2001:db8:8::1', clock.now())).toEqual({ admitted: true });
    const added = [...(await pairKeys())].filter((k) => !before.has(k));
    expect(added).toHaveLength(1);
    const lockMs = h.config.auth.lockMinutes * 60_000;
    const ttl = await kv.pttl(added[0]!);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(lockMs);
    await failed(h.ctx, 'never-fails', '2001:db8:8::2', clock.now());
    expect(await kv.pttl(added[0]!)).toBeGreaterThan(lockMs);
    // Once it has failed, a later try keeps it for the day.
    await admit(h.ctx, 'never-fails', '2001:db8:8::3', clock.now());
    expect(await kv.pttl(added[0]!)).toBeGreaterThan(lockMs);
  });

  it('refuses an unknown name exactly as a wrong password: first 401, then the same wait', async () => {
    await makeAccount(h.ctx.db, { username: 'real-name' });
    const answers = async (username: string, ip: string) => {
      const out = [];
      for (let i = 0; i <= FREE_TRIES + 1; i++) out.push(shape(await from(ip, username, `guess-${i}`)));
      return out;
    };
    const known = await answers('real-name', '203.0.113.50');
    const unknown = await answers('no-such-name', '203.0.113.51');
    expect(unknown).toEqual(known);
    expect(known.map((a) => a.status)).toEqual([...Array(FREE_TRIES + 1).fill(401), 429]);
    // And a disabled account too.
    await h.ctx.db.update(accounts).set({ disabledAt: clock.now() }).where(eq(accounts.username, 'real-name'));
    expect(shape(await from('203.0.113.52', 'real-name', PASSWORD))).toEqual(known[0]);
  });

  it('makes a hash of the old cost again at the next sign-in', async () => {
    const old = await argon2.hash(PASSWORD, { type: argon2.argon2id, memoryCost: 65536, timeCost: 3, parallelism: 4 });
    const account = await makeAccount(h.ctx.db, { username: 'old-hash' });
    await h.ctx.db.update(accounts).set({ passwordHash: old }).where(eq(accounts.id, account.id));
    expect((await from('198.51.100.60', 'old-hash', PASSWORD)).status).toBe(200);
    const [row] = await h.ctx.db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(row!.passwordHash).not.toBe(old);
    const { memoryKib, passes } = h.config.auth.argon2;
    expect(row!.passwordHash.startsWith(`$argon2id$v=19$m=${memoryKib},p=1,t=${passes}$`)).toBe(true);
    expect(await argon2.verify(row!.passwordHash, PASSWORD)).toBe(true);
    expect((await from('198.51.100.60', 'old-hash', PASSWORD)).status).toBe(200);
    const [again] = await h.ctx.db.select().from(accounts).where(eq(accounts.id, account.id));
    expect(again!.passwordHash).toBe(row!.passwordHash);
  });
});
