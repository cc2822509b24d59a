/** Mainland mobile numbers (11 digits from 13…19) and landlines with area code (0xx-xxxxxxx). */
export function normalizePhone(raw: string): string | undefined {
  const s = raw
    .replace(/[\uFF10-\uFF19]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000()（）]/g, '')
    .replace(/^(\+?86)(?=1\d{10}$)/, '')
    .replace(/－|—/g, '-');
  if (/^1[3-9]\d{9}$/.test(s)) return s;
  if (/^0\d{2,3}-?\d{7,8}$/.test(s)) return s.includes('-') ? s : s.replace(/^(0(?:10|2\d|\d{3}))/, '$1-');
  return undefined;
}

/** `138****5678`, or the area code and last four of a landline. */
export function maskPhone(value: string): string {
  if (/^1\d{10}$/.test(value)) return `${value.slice(0, 3)}****${value.slice(7)}`;
  const dash = value.indexOf('-');
  if (dash > 0) return `${value.slice(0, dash + 1)}${'*'.repeat(Math.max(0, value.length - dash - 5))}${value.slice(-4)}`;
  return '*'.repeat(Math.max(0, value.length - 4)) + value.slice(-4);
}
