import corpus from '../fixtures/bot-corpus.json';
import { understand, readAmount, type Slots } from '../../bots/understand';

interface Case {
  text: string;
  intent: string | null;
  slots?: Slots;
}

describe('the bot understands messages the way people write them', () => {
  it('reads at least 95% of the corpus right, intent and slots, and lists the misses', () => {
    const cases = corpus as Case[];
    expect(cases.length).toBeGreaterThanOrEqual(300);
    const misses: string[] = [];
    for (const c of cases) {
      const r = understand(c.text);
      const slotsOk = Object.entries(c.slots ?? {}).every(([k, v]) => JSON.stringify(r.slots[k as keyof Slots]) === JSON.stringify(v));
      if ((r.intent ?? null) !== c.intent || !slotsOk) misses.push(`${c.text} → ${r.intent ?? '?'} ${JSON.stringify(r.slots)} (want ${c.intent ?? '?'} ${JSON.stringify(c.slots ?? {})})`);
    }
    const score = (cases.length - misses.length) / cases.length;
    // eslint-disable-next-line no-console -- the misses are printed on purpose, to improve the lexicon from them
    console.log(`corpus: ${cases.length - misses.length}/${cases.length} right (${(score * 100).toFixed(1)}%)${misses.length ? `\nmisses:\n${misses.join('\n')}` : ''}`);
    expect(score).toBeGreaterThanOrEqual(0.95);
  });

  it('takes the words in any order, several slots at once', () => {
    expect(understand('找活 附近')).toEqual(understand('附近 找活'));
    expect(understand('包吃住 一天200 会电焊 县内')).toMatchObject({ intent: 'jobs', slots: { board: 'food_and_lodging', payFloor: { yuan: 200, unit: 'day' }, skill: '电焊', place: 'county' } });
    expect(understand('县内 会电焊 一天200 包吃住').slots).toEqual(understand('包吃住 一天200 会电焊 县内').slots);
  });

  it('asks rather than guesses when a message could mean two things', () => {
    expect(understand('电焊')).toMatchObject({ intent: undefined, guesses: ['jobs', 'training'] });
    expect(understand('钱').guesses).toEqual(['wage', 'jobs', 'policy']);
  });

  it('reads amounts written in Chinese numerals', () => {
    expect(readAmount('两百')).toBe(200);
    expect(readAmount('三千五')).toBe(3500);
    expect(readAmount('一百五')).toBe(150);
    expect(readAmount('一万')).toBe(10000);
  });
});

describe('words found whole come first', () => {
  it('reads a gig word standing whole before a work word that straddles it', () => {
    // 有|散活|没 and 零活|有|不: 活没 and 活有 also spell work, but across jieba's cut.
    expect(understand('有散活没').intent).toBe('gigs');
    expect(understand('零活有不').intent).toBe('gigs');
    expect(understand('有活没').intent).toBe('jobs');
  });
});
