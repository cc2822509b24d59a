import { eq } from 'drizzle-orm';
import { Conversation } from '../../bots/conversation';
import { pureSmallTalk } from '../../bots/understand';
import { helpRequests } from '../../src/db/schema';
import { createHarness, type Harness } from '../helpers/harness';

// Eighteen messages written the way people actually write to the bot.
const SCRIPT = ['在吗', '你好', '我想找离家近的活', '找活 附近', '附近 找活', '有没有包吃住的', '一天200以上的活', '我会开挖掘机，有活吗', '外省的厂子招人不', '我想学电焊', '老板不给工钱', '补贴怎么领', '我要找人', '谢谢', '好的', '嗯嗯', '电焊', '再见'];

describe('the bot answers how people actually write', () => {
  let h: Harness;
  let chat: Conversation;
  beforeAll(async () => {
    h = await createHarness();
    chat = new Conversation(h.ctx);
  });
  afterAll(async () => {
    await h.close();
  });
  const say = (senderId: string, text: string) => chat.respond({ kind: 'text', text, senderId });

  it('answers every message of the script without "没看懂" or the whole menu', async () => {
    for (const text of SCRIPT) {
      const replies = await say('script-user', text);
      const all = replies.join('\n');
      expect([text, all]).not.toEqual([text, expect.stringContaining('没看懂')]);
      expect([text, all]).not.toEqual([text, expect.stringContaining('帮助（显示这个菜单）')]);
      // The policy list's wording comes from the policy catalogue and is kept there.
      if (text !== '补贴怎么领') for (const r of replies) expect([text, r.split('\n').length <= 6]).toEqual([text, true]);
    }
  });

  it('answers small talk in one short line', async () => {
    for (const text of ['谢谢', '再见', '好的', '在吗', '你好']) {
      const replies = await say('small-talk', text);
      expect(replies).toHaveLength(1);
      expect(replies[0]!.split('\n')).toHaveLength(1);
    }
    expect((await say('small-talk', '在吗'))[0]).toContain('在的');
  });

  it('tells small talk alone from a message that also says something', () => {
    for (const [text, talk] of [['谢谢！', 'thanks'], ['好的好的', 'ok'], ['在吗？', 'ping'], ['拜拜啦', 'bye'], ['您好', 'greet'], ['Thanks!', 'thanks']] as const) expect([text, pureSmallTalk(text)]).toEqual([text, talk]);
    for (const text of ['在镇上砖厂干了一个月，谢谢', '谢谢，李老板还欠我三千', '好的 找活', '红星砖厂']) expect([text, pureSmallTalk(text)]).toEqual([text, undefined]);
  });

  it('asks one short question with numbered guesses when unsure, and a number answers it', async () => {
    const [asked] = await say('unsure', '电焊');
    expect(asked).toBe('您是想：\n1 找活干\n3 学技术（培训）\n回复数字就行，回复“0”看全部。');
    // Not bound yet: the choice is taken with the skill the message named, and the area's open jobs are
    // shown (none here) with binding to apply.
    expect((await say('unsure', '1'))[0]).toBe('本地暂时没有用得上电焊的。回复“找活”看全部；回复“绑定”后，有了可以告诉您。');
  });

  it('still says it did not understand chit-chat, with three guesses instead of the menu', async () => {
    const replies = await say('lost', '今天天气怎么样');
    expect(replies[0]).toBe('抱歉，我没看懂这句话。');
    expect(replies[1]!.split('\n').length).toBeLessThanOrEqual(6);
    expect(replies[1]).toContain('8 找工作人员');
  });

  it('answers a voice message kindly and asks staff to call, once per open request', async () => {
    const replies = await chat.respond({ kind: 'voice', text: '', senderId: 'voice-user' });
    expect(replies).toEqual(['收到您的语音，我还听不了语音。打字或回复数字都行，比如“找活”；已告诉工作人员，也可以回复“8”找人。']);
    await chat.respond({ kind: 'voice', text: '', senderId: 'voice-user' });
    const open = await h.ctx.db.select().from(helpRequests).where(eq(helpRequests.contact, 'voice-user'));
    expect(open).toHaveLength(1);
    expect(open[0]!.context.map((c) => c.text)).toContain('（发来一条语音）');
  });

  it('reads English words in English mode', async () => {
    await say('english-user', 'English');
    expect((await say('english-user', 'thank you'))[0]).toBe("You're welcome! Reply \"work\" whenever you want to find work.");
    expect((await say('english-user', 'find work'))[0]).toBe('No jobs open in this area right now. Reply "绑定" (bind) and I can tell you when one comes.');
  });
});
