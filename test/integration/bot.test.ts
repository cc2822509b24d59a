import { FileBox } from 'file-box';
import type { mock } from 'wechaty-puppet-mock';
import { startBot, type Bot, type Handled } from '../../bots/bot';
import { understandingPrepared } from '../../bots/understand';
import { createHarness, type Harness } from '../helpers/harness';
import { arrived, MockUser, nextHandled } from '../helpers/chat';

describe('the WeChat bot on the mock puppet', () => {
  let h: Harness;
  let bot: Bot;

  beforeAll(async () => {
    h = await createHarness();
    bot = await startBot(h.ctx);
  });
  afterAll(async () => {
    await bot.stop();
    await h.close();
  });

  it('has its lexicon and jieba\'s dictionary loaded before the first message, so no message waits for them', () => {
    expect(understandingPrepared()).toBe(true);
  });

  it('answers 帮助 with the menu from the locales', async () => {
    const user = new MockUser(bot);
    const [reply] = await user.say('帮助');
    expect(reply).toContain('您好，我是帮扶小助手');
    expect(reply).toContain('0 帮助（显示这个菜单）');
  });

  it('understands help typed in full-width letters or as the number 0', async () => {
    const user = new MockUser(bot);
    expect((await user.say('ＨＥＬＰ'))[0]).toContain('帮扶小助手');
    expect((await user.say('０'))[0]).toContain('帮扶小助手');
  });

  it('says politely that it did not understand, and shows the menu', async () => {
    const user = new MockUser(bot);
    const replies = await user.say('今天天气怎么样');
    expect(replies).toHaveLength(2);
    expect(replies[0]).toBe('抱歉，我没看懂这句话。');
    expect(replies[1]).toContain('帮扶小助手');
  });

  it.each([
    ['a picture', 'photo.png'],
    ['a voice message', 'voice.silk'],
    ['a file', 'form.pdf'],
  ])('answers %s with a polite reply and the menu, never an error', async (_kind, name) => {
    const user = new MockUser(bot);
    // A URL box is never fetched: the bot must not need the content to answer.
    const replies = await user.say(FileBox.fromUrl(`http://127.0.0.1:9/${name}`, { name }));
    expect(replies[0]).toBe('抱歉，我暂时只能看懂文字。请直接打字或回复数字。');
    expect(replies[1]).toContain('帮扶小助手');
  });

  it('answers a very long message briefly without processing it', async () => {
    const user = new MockUser(bot);
    const replies = await user.say('找工作'.repeat(400));
    expect(replies).toEqual(['这条消息太长了，请说得简短一些，或回复“帮助”看看我能做什么。']);
  });

  it('in a group, answers only when mentioned', async () => {
    const user = new MockUser(bot, '村民');
    const room: mock.RoomMock = bot.mocker!.createRoom({ topic: '南沙村就业群', memberIdList: [bot.self!.id, user.contact.id] });
    const heard: string[] = [];
    room.on('message', (msg: mock.MessageMock) => {
      if (msg.payload.talkerId === bot.self!.id) heard.push(msg.payload.text ?? '');
    });
    const fromUserInRoom = (hd: Handled) => hd.talkerId === user.contact.id && hd.roomId === room.id;
    const unmentioned = nextHandled(bot, fromUserInRoom);
    user.contact.say('帮助').to(room);
    expect((await unmentioned).replies).toBe(0);
    const mentioned = nextHandled(bot, fromUserInRoom);
    user.contact.say('帮助', [bot.self!]).to(room);
    expect((await mentioned).replies).toBe(1);
    await arrived(() => heard.length >= 1, 'the answer in the group');
    // One answer in the group: the one to the message that mentioned the bot.
    expect(heard).toHaveLength(1);
    expect(heard[0]).toContain('帮扶小助手');
  });

  it('never answers its own messages', async () => {
    const user = new MockUser(bot);
    const own = nextHandled(bot, (hd) => hd.talkerId === bot.self!.id && hd.roomId === undefined);
    bot.self!.say('帮助').to(user.contact);
    expect((await own).replies).toBe(0);
    await arrived(() => user.received.length >= 1, 'the bot\'s own message');
    // The person's next message is answered once, with nothing before it that was meant for the bot's own words.
    expect(await user.say('帮助')).toEqual([expect.stringContaining('帮扶小助手')]);
    expect(user.received).toEqual(['帮助', expect.stringContaining('帮扶小助手')]);
  });
});
