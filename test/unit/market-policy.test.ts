import { checkPublicWelfarePost, RULE_CONTRACT_TERM, RULE_NO_AGE_DISABILITY } from '../../src/market/policy';
import { PolicyViolation } from '../../src/shared/errors';
import { words } from '../../src/shared/chinese';

const post = (over: Partial<Parameters<typeof checkPublicWelfarePost>[0]>) => ({
  title: '护林员',
  description: '负责村集体林地巡护',
  requirements: '能胜任日常巡山工作',
  contractMonths: 12,
  ...over,
});

function violation(fn: () => void): PolicyViolation {
  try {
    fn();
  } catch (err) {
    if (err instanceof PolicyViolation) return err;
    throw err;
  }
  throw new Error('no violation');
}

describe('public-welfare post rules', () => {
  it('accepts a post whose only requirement is being able to do the work', () => {
    expect(() => checkPublicWelfarePost(post({}))).not.toThrow();
  });

  it.each(['年龄 60 岁以下', '限 18-55 周岁', '五十岁以内', '身体健全，无残疾', '残疾人勿扰'])(
    'refuses age or disability limits such as “%s” (seed 000 national §2.4: 取消年龄、残疾等不合理招用限制)',
    (requirements) => {
      const err = violation(() => checkPublicWelfarePost(post({ requirements })));
      expect(err.rule).toBe(RULE_NO_AGE_DISABILITY);
      expect(err.details[0]!.path).toBe('body.requirements');
    },
  );

  it('refuses an agreement longer than one year, or none at all (seed 004 §12)', () => {
    expect(violation(() => checkPublicWelfarePost(post({ contractMonths: 24 }))).rule).toBe(RULE_CONTRACT_TERM);
    expect(violation(() => checkPublicWelfarePost(post({ contractMonths: undefined }))).rule).toBe(RULE_CONTRACT_TERM);
  });
});

describe('Chinese words for search', () => {
  it('cuts text into words and drops filler', () => {
    expect(words('我想找附近的零工')).toEqual(['附近', '零工']);
    expect(words('招聘保洁员，日薪180元')).toEqual(expect.arrayContaining(['招聘', '保洁', '保洁员', '日薪', '180']));
  });
});
