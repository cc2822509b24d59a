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

export const RULE_NO_AGE_DISABILITY = 'seed 000 national §2.4';
export const RULE_CONTRACT_TERM = 'seed 004 §12';
export const MAX_PUBLIC_WELFARE_MONTHS = 12;

export function checkPublicWelfarePost(v: { title: string; description: string; requirements: string; contractMonths: number | undefined }): void {
  for (const [field, text] of [
    ['requirements', v.requirements],
    ['description', v.description],
    ['title', v.title],
  ] as const) {
    if (AGE_OR_DISABILITY.some((re) => re.test(text))) {
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
