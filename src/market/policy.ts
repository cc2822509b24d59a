import { PolicyViolation } from '../shared/errors';

/**
 * Public-welfare posts (乡村公益性岗位): eligibility is whether the person can do the work, never
 * age or disability (取消年龄、残疾等不合理招用限制, seed 000 national §2.4).
 */
const AGE_OR_DISABILITY = [
  /年龄/,
  /\d+\s*周?岁/,
  /岁\s*以[上下内]/,
  /[零一二三四五六七八九十]+\s*周?岁/,
  /残疾/,
  /残障/,
  /身体健全/,
  /四肢健全/,
  /五官端正/,
  /无\s*残/,
  /\bage\b/i,
  /\bdisab/i,
];

/**
 * Wording that opens a post to everyone rather than limiting it ("年龄不限", "欢迎残疾人报名"): the seed removes
 * limits, so saying there is none is what it asks for. Taken out before the limits are looked for; a limit
 * written beside it ("年龄不限，身体健全") is still found.
 */
const INCLUSIVE = [
  /年龄\s*(不限|无\s*(限制|要求)|不作要求)/g,
  /(不限|不论|不分)\s*年龄/g,
  /(欢迎|鼓励|优先(安排|招用|聘用)?)\s*残(疾|障)人?士?[^，,。；;、\n]*/g,
  /残(疾|障)人?士?\s*(优先|可以?|亦可|也可|均可|同等)[^，,。；;、\n]*/g,
  /(含|包括)\s*残(疾|障)人?士?/g,
  /\b(any|all|no)\s+age(s)?\b[^,.;\n]*/gi,
  /\bage\s+(is\s+)?(no\s+(limit|barrier|bar)|not\s+limited)\b/gi,
  /\b(disabled|disabilities|disability)\b[^,.;\n]*\b(welcome|encouraged|may\s+apply|can\s+apply)\b/gi,
  /\b(welcome|encourage)s?\b[^,.;\n]*\b(disabled|disabilities|disability)\b/gi,
];

/** The text with its inclusive phrases taken out, so only real limits are left to find. */
function withoutInclusive(text: string): string {
  return INCLUSIVE.reduce((t, re) => t.replace(re, ' '), text);
}

export const RULE_NO_AGE_DISABILITY = 'seed 000 national §2.4';
export const RULE_CONTRACT_TERM = 'seed 004 §12';
export const MAX_PUBLIC_WELFARE_MONTHS = 12;

export function checkPublicWelfarePost(v: { title: string; description: string; requirements: string; contractMonths: number | undefined }): void {
  for (const [field, text] of [
    ['requirements', v.requirements],
    ['description', v.description],
    ['title', v.title],
  ] as const) {
    const limits = withoutInclusive(text);
    if (AGE_OR_DISABILITY.some((re) => re.test(limits))) {
      throw new PolicyViolation('public-welfare post restricts age or disability', RULE_NO_AGE_DISABILITY, [
        { path: `body.${field}`, message: 'errors:detail.market.no_age_disability' },
      ]);
    }
  }
  // 按需设岗、以岗聘任…: an agreement of at most one year at a time (seed 004 §12).
  if (v.contractMonths === undefined || v.contractMonths > MAX_PUBLIC_WELFARE_MONTHS) {
    throw new PolicyViolation('public-welfare contract longer than a year', RULE_CONTRACT_TERM, [
      { path: 'body.details.contractMonths', message: 'errors:detail.market.contract_term' },
    ]);
  }
}

/** Weak and partial labour come first for public-welfare posts (seed 004 §12). */
export function publicWelfarePriority(laborCapacity: string): boolean {
  return laborCapacity === 'weak' || laborCapacity === 'partial';
}
