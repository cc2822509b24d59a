import { parse, readNumber, readText } from '../../bots/parse';

describe('reading what a person types to the bot', () => {
  it.each([
    ['找工作', 'jobs'],
    ['1', 'jobs'],
    ['１', 'jobs'],
    [' ２ ', 'gigs'],
    ['我想找附近的零工', 'gigs'],
    ['有没有临时工', 'gigs'],
    ['找工做', 'jobs'],
    ['另工', 'gigs'],
    ['培訓', 'training'],
    ['幫助', 'help'],
    ['取消订阅', 'unsubscribe'],
    ['退訂', 'unsubscribe'],
    ['订阅 零工 培训', 'subscribe'],
    ['老板拖欠工资三个月了', 'wage'],
    ['我要转人工', 'human'],
    ['我的报名', 'mine'],
    ['绑定', 'bind'],
    ['政策', 'policy'],
    ['HELP', 'help'],
    ['？', 'help'],
  ])('%s → %s', (text, intent) => {
    expect(parse(text).intent).toBe(intent);
  });

  it('reads item numbers in digits, full-width digits or Chinese numerals', () => {
    expect(parse('报名 2')).toMatchObject({ intent: 'apply', n: 2 });
    expect(parse('报名２')).toMatchObject({ intent: 'apply', n: 2 });
    expect(parse('我要报名第三个')).toMatchObject({ intent: 'apply', n: 3 });
    expect(parse('報名第十二個')).toMatchObject({ intent: 'apply', n: 12 });
    expect(parse('详情1')).toMatchObject({ intent: 'detail', n: 1 });
    expect(parse('看看第二个')).toMatchObject({ intent: 'detail', n: 2 });
    expect(parse('12')).toMatchObject({ n: 12, bareNumber: true, intent: undefined });
    expect(readNumber('二十')).toBe(20);
    expect(readNumber('两')).toBe(2);
    expect(readNumber('一百')).toBeUndefined();
  });

  it('keeps what follows a command word, and finds nothing in chit-chat', () => {
    expect(parse('订阅 零工 培训').rest).toBe('零工 培训');
    expect(parse('今天天气怎么样').intent).toBeUndefined();
    expect(parse('stopwatch').intent).toBeUndefined();
    expect(readText('　ＡＢＣ　')).toBe('abc');
  });
});
