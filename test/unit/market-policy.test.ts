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

  it.each(['年龄不限，能胜任巡山即可', '不限年龄', '欢迎残疾人报名', '残疾人优先', '同等条件下优先安排残疾人', '年龄无要求，含残疾人', 'Any age; disabled applicants are welcome'])(
    'accepts wording that opens the post to everyone, such as “%s” (seed 000 national §2.4: the limits are removed, not the words)',
    (requirements) => {
      expect(() => checkPublicWelfarePost(post({ requirements }))).not.toThrow();
    },
  );

  it.each(['年龄不限，身体健全', '欢迎残疾人报名，年龄 55 岁以下', '不限年龄；五官端正'])('still finds a limit written beside an open phrase, as in “%s” (seed 000 national §2.4)', (requirements) => {
    expect(violation(() => checkPublicWelfarePost(post({ requirements }))).rule).toBe(RULE_NO_AGE_DISABILITY);
  });

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
