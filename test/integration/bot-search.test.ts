import { Conversation } from '../../bots/conversation';
import { identities } from '../../src/db/schema';
import { ManualClock } from '../../src/shared/clock';
import { appOf, signIn, type Staff } from '../helpers/api';
import { REGIONS, seedRegions, workerInput } from '../helpers/factories';
import { createHarness, type Harness } from '../helpers/harness';
import { gig, HOME, north, verifiedEmployer } from '../helpers/market';

/**
 * A search by chat narrowed the way the person asked: place (附近, 县内, 县外, a county or township by name),
 * board (包吃住), pay, skill — for someone bound, and for someone not yet bound (open posts are public
 * notices). The conversation here has no sending account's region, as on the official account: the area
 * is what the person names or where they are, else the deployment's.
 */
describe('the bot narrows a search the way the person asked', () => {
  let h: Harness;
  let chat: Conversation;
  let stationA: Staff;
  let stationB: Staff;
  const say = async (senderId: string, text: string) => (await chat.respond({ kind: 'text', text, senderId })).join('\n');
  const listed = (reply: string) => reply.split('\n').filter((l) => /^\d+\. /.test(l)).map((l) => l.replace(/^\d+\. /, '').replace(/（.*$/, ''));

  beforeAll(async () => {
    h = await createHarness({ clock: new ManualClock('2026-06-01T04:00:00Z') });
    await seedRegions(h.ctx.db);
    const app = appOf(h);
    stationA = await signIn(h, app, { regionCode: REGIONS.countyA.code });
    stationB = await signIn(h, app, { regionCode: REGIONS.countyB.code });
    const a = await verifiedEmployer(stationA, { name: '南沙镇红星砖厂' });
    const b = await verifiedEmployer(stationB, { name: '迤萨镇机械厂', regionCode: REGIONS.countyB.code });
    const post = async (staff: Staff, body: Record<string, unknown>) => {
      const r = await staff.post('/api/v1/vacancies', body);
      if (r.status !== 201) throw new Error(JSON.stringify(r.body));
    };
    // 元阳县 (county A): a brickworks with board and good pay, a shop without either; 红河县 (county B): a welder's post with board.
    await post(stationA, { employerId: a.id, kind: 'regular', title: '砖厂搬运工', description: '包吃住，长期', regionCode: REGIONS.townA.code, payMinFen: 500000, payMaxFen: 600000, payUnit: 'month', headcount: 5 });
    await post(stationA, { employerId: a.id, kind: 'regular', title: '超市理货员', description: '白班', regionCode: REGIONS.countyA.code, payMinFen: 250000, payMaxFen: 300000, payUnit: 'month', headcount: 2 });
    await post(stationB, { employerId: b.id, kind: 'regular', title: '机械厂电焊工', description: '包吃住', regionCode: REGIONS.townB.code, payMinFen: 600000, payMaxFen: 700000, payUnit: 'month', headcount: 3, requiredSkills: ['电焊'] });
    await post(stationA, gig(a.id, { title: '村口修路零工', requiredSkills: [], ...north(1) }));
    chat = new Conversation(h.ctx);
  });
  afterAll(async () => {
    await h.close();
  });

  describe('someone not yet bound', () => {
    it('sees only the posts with what they asked for: board, pay, a skill first', async () => {
      const board = await say('visitor-board', '有包吃住的活吗');
      expect(board.split('\n')[0]).toBe('本地正在招人的岗位（包吃住）：');
      expect(listed(board).sort()).toEqual(['机械厂电焊工', '砖厂搬运工']);
      expect(listed(await say('visitor-pay', '一个月五千以上的活')).sort()).toEqual(['机械厂电焊工', '砖厂搬运工']);
      expect(listed(await say('visitor-skill', '我会电焊 找活'))[0]).toBe('机械厂电焊工');
      expect(await say('visitor-none', '包吃住 一个月两万以上')).toBe('本地暂时没有包吃住、一月20000元以上的。回复“找活”看全部；回复“绑定”后，有了可以告诉您。');
    });

    it('searches the county or township they name, and keeps to it for the rest of the conversation', async () => {
      const named = await say('visitor-place', '元阳县有活吗');
      expect(named.split('\n')[0]).toBe('元阳县正在招人的岗位：');
      expect(listed(named).sort()).toEqual(['砖厂搬运工', '超市理货员']);
      expect(listed(await say('visitor-place', '找活')).sort()).toEqual(['砖厂搬运工', '超市理货员']);
      // A short name, and only a place: a search for work there.
      const other = await say('visitor-place', '迤萨');
      expect(other.split('\n')[0]).toBe('迤萨镇正在招人的岗位：');
      expect(listed(other)).toEqual(['机械厂电焊工']);
    });

    it('finds gigs near where they are once they share a location, and asks for it before', async () => {
      const before = await chat.respond({ kind: 'text', text: '附近有零工吗', senderId: 'visitor-near' });
      expect(before.at(-1)).toBe('发送您的位置给我，就能看离您近的零工。');
      expect(await chat.respond({ kind: 'location', text: '', senderId: 'visitor-near', location: HOME })).toEqual(['记下您现在的位置了，回复“零工”看附近的活。想一直记住，请先回复“绑定”。']);
      const after = await chat.respond({ kind: 'text', text: '附近有零工吗', senderId: 'visitor-near' });
      expect(after).toHaveLength(1);
      expect(after[0]).toContain('村口修路零工（距离 1.0 公里');
    });
  });

  describe('someone bound', () => {
    let seq = 0;
    const boundPerson = async () => {
      const senderId = `wxid-search-${++seq}`;
      const w = await stationA.post('/api/v1/workers', workerInput({ name: '李春来', skills: [] }));
      await h.ctx.db.insert(identities).values({ workerId: w.body.id, kind: 'wechat_contact', value: senderId });
      return (text: string) => say(senderId, text);
    };

    it('narrows by place, board, pay and a place named', async () => {
      const ask = await boundPerson();
      const all = listed(await ask('找工作'));
      expect(all).toEqual(expect.arrayContaining(['砖厂搬运工', '超市理货员']));
      expect(listed(await ask('县内 包吃住')).sort()).toEqual(['砖厂搬运工']);
      expect(listed(await ask('县外的活'))).toEqual(['机械厂电焊工']);
      // Board alone narrows the person's usual search (in their county); elsewhere only when asked.
      expect(listed(await ask('包吃住的活'))).toEqual(['砖厂搬运工']);
      expect(listed(await ask('外地 包吃住'))).toEqual(['机械厂电焊工']);
      expect(listed(await ask('一个月五千以上 县内'))).toEqual(['砖厂搬运工']);
      const named = await ask('红河县的活');
      expect(named.split('\n')[0]).toContain('红河县');
      expect(listed(named)).toEqual(['机械厂电焊工']);
    });
  });
});
