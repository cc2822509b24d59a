import { randomUUID } from 'node:crypto';
import { eq, sql } from 'drizzle-orm';
import { startFleet, type Fleet } from '../../bots/fleet';
import { accountLeases, identities, workers } from '../../src/db/schema';
import { Generator } from '../../src/demo/synthetic';
import { writePeople } from '../../src/demo/write';
import { HeldElsewhere } from '../../src/outreach/channels';
import { acquire, StaleLease } from '../../src/outreach/lease';
import { liveAccountIds, poolChannel, startingHere, todayCounts } from '../../src/outreach/pool';
import { systemClock } from '../../src/shared/clock';
import { MockUser, nextHandled } from '../helpers/chat';
import { REGIONS, seedRegions } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';

/**
 * The fencing token at the point of sending. A bot process that stopped (a long pause, a frozen VM) past
 * its lease wakes up still logged in, with its account taken by another process under the next token:
 * whatever it tries to send — a push or an answer — is refused before it reaches WeChat, and it lets the
 * account go at its next renewal.
 */
describe('a sending account whose lease passed to another process', () => {
  let h: Harness;
  let fleet: Fleet | undefined;

  beforeAll(async () => {
    // A long lease: the renewal that would notice the loss does not come during the test by itself.
    h = await createHarness({ clock: systemClock, env: { BOT_LEASE_SECONDS: '90', CHAT_SEND_INTERVAL_MS: '10' } });
    await seedRegions(h.ctx.db);
  });
  afterAll(async () => {
    await fleet?.close();
    await h.close();
  });

  it('refuses every send under the stale token, then gives the account up and leaves its messages to the new holder', async () => {
    await writePeople(h.ctx.db, h.ctx.pii, new Generator([REGIONS.villageA.code], 31, new Date()), 1, new Date());
    const [person] = await h.ctx.db.select({ id: workers.id }).from(workers);
    fleet = await startFleet(h.ctx, { pollMs: 3_600_000 });
    const [bot] = fleet.bots();
    expect(bot).toBeDefined();
    const [held] = await h.ctx.db.select().from(accountLeases).where(eq(accountLeases.accountId, bot!.account.id));
    expect(held).toMatchObject({ holder: fleet.holder, token: 1 });

    const user = new MockUser(bot!);
    await h.ctx.db.insert(identities).values({ workerId: person!.id, kind: 'wechat_contact', value: user.contact.id, accountId: bot!.account.id });
    // While the lease holds, a push goes out under token 1.
    const first = await poolChannel(h.ctx).send({ deliveryId: randomUUID(), workerId: person!.id, text: '第一条' });
    expect(first).toEqual({ ok: true, ref: `lease:${bot!.account.id}:1` });
    expect(user.received).toEqual(['第一条']);

    // This process "sleeps" past its lease (the row's expiry passes) and another takes the account: token 2.
    await h.ctx.db.execute(sql`update account_leases set expires_at = now() - interval '1 second' where account_id = ${bot!.account.id}`);
    const other = await acquire(h.ctx.db, bot!.account.id, 'elsewhere:4242:abcdef', 90);
    expect(other?.token).toBe(2);
    const countsBefore = (await todayCounts(h.ctx, [bot!.account.id])).get(bot!.account.id);

    // Awake and still logged in here: a push is refused at the point of sending, nothing reaches the person
    // and the account's count for the day is given back.
    await expect(poolChannel(h.ctx).send({ deliveryId: randomUUID(), workerId: person!.id, text: '过期令牌' })).rejects.toBeInstanceOf(StaleLease);
    expect(user.received).toEqual(['第一条']);
    expect((await todayCounts(h.ctx, [bot!.account.id])).get(bot!.account.id)).toEqual(countsBefore);
    // So is an answer to a message the old login still receives.
    const handled = nextHandled(bot!, (x) => x.talkerId === user.contact.id);
    user.contact.say('你好').to(bot!.self!);
    expect((await handled).replies).toBe(0);
    expect(user.received).toEqual(['第一条']);
    expect(h.logs.text()).toContain('no longer held by this process');

    // The next renewal finds the lease gone: the account leaves this process, and a push for its people
    // waits for the process that holds it (no retry used, no other channel tried).
    await fleet.tick();
    expect(liveAccountIds()).not.toContain(bot!.account.id);
    expect(fleet.bots()).toHaveLength(0);
    await expect(poolChannel(h.ctx).send({ deliveryId: randomUUID(), workerId: person!.id, text: '等新的进程' })).rejects.toBeInstanceOf(HeldElsewhere);
    // A post into a WeChat group too: none of the accounts is driven here.
    await expect(poolChannel(h.ctx).postToGroup!('南沙村务工群', '等新的进程')).rejects.toBeInstanceOf(HeldElsewhere);
    expect(user.received).toEqual(['第一条']);
    const [after] = await h.ctx.db.select().from(accountLeases).where(eq(accountLeases.accountId, bot!.account.id));
    expect(after).toMatchObject({ holder: 'elsewhere:4242:abcdef', token: 2 });

    // The account taken over by this process again, its bot still starting (on a busy machine, seconds): a push
    // for its people waits for it rather than going by the next channel; once the start is over and the account
    // still not logged in (a real one waiting for its scan), the next channel serves.
    await h.ctx.db.execute(sql`update account_leases set holder = null, expires_at = now() - interval '1 hour' where account_id = ${bot!.account.id}`);
    startingHere(bot!.account.id, true);
    await expect(poolChannel(h.ctx).send({ deliveryId: randomUUID(), workerId: person!.id, text: '等它上线' })).rejects.toBeInstanceOf(HeldElsewhere);
    await expect(poolChannel(h.ctx).postToGroup!('南沙村务工群', '等它上线')).rejects.toBeInstanceOf(HeldElsewhere);
    startingHere(bot!.account.id, false);
    expect(await poolChannel(h.ctx).send({ deliveryId: randomUUID(), workerId: person!.id, text: '下一个渠道' })).toEqual({ ok: false, permanent: true, reason: 'accounts_offline' });
    expect(user.received).toEqual(['第一条']);
  }, 60_000);
});
