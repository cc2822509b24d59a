/**
 * Resident identity numbers (居民身份证号码, GB 11643-1999): 6 digits of the issuing region,
 * 8 of the birth date, 3 of sequence (odd for men, even for women) and a check character
 * computed with ISO 7064 MOD 11-2.
 */
export type ResidentIdFailure = 'format' | 'region' | 'birth_date' | 'checksum';

export interface ResidentId {
  /** 18 characters, upper-case X. */
  value: string;
  birthDate: string;
  sex: 'male' | 'female';
  issuingRegion: string;
}

const WEIGHTS = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK = '10X98765432';
/** Province-level codes in use (GB/T 2260), including Hong Kong, Macao and Taiwan. */
const PROVINCES = new Set([
  '11', '12', '13', '14', '15', '21', '22', '23', '31', '32', '33', '34', '35', '36', '37', '41', '42', '43', '44',
  '45', '46', '50', '51', '52', '53', '54', '61', '62', '63', '64', '65', '71', '81', '82',
]);

/** Full-width digits and letters become half-width; spaces go; x becomes X. */
export function normalizeResidentId(raw: string): string {
  return raw
    .replace(/[\uFF10-\uFF19\uFF21-\uFF3A\uFF41-\uFF5A]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000]/g, '')
    .toUpperCase();
}

export function checkCharacter(first17: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(first17[i]) * WEIGHTS[i]!;
  return CHECK[sum % 11]!;
}

export function parseResidentId(raw: string, today: Date = new Date()): { ok: true; id: ResidentId } | { ok: false; reason: ResidentIdFailure } {
  const value = normalizeResidentId(raw);
  if (!/^\d{17}[\dX]$/.test(value)) return { ok: false, reason: 'format' };
  if (!PROVINCES.has(value.slice(0, 2))) return { ok: false, reason: 'region' };
  const y = Number(value.slice(6, 10));
  const m = Number(value.slice(10, 12));
  const d = Number(value.slice(12, 14));
  const date = new Date(Date.UTC(y, m - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== m - 1 || date.getUTCDate() !== d || date.getTime() > today.getTime()) {
    return { ok: false, reason: 'birth_date' };
  }
  if (checkCharacter(value.slice(0, 17)) !== value[17]) return { ok: false, reason: 'checksum' };
  return {
    ok: true,
    id: {
      value,
      birthDate: `${value.slice(6, 10)}-${value.slice(10, 12)}-${value.slice(12, 14)}`,
      sex: Number(value[16]) % 2 === 1 ? 'male' : 'female',
      issuingRegion: value.slice(0, 6),
    },
  };
}

/** `532501********1234`: the issuing region and the last four, as stations already print them. */
export function maskResidentId(value: string): string {
  return value.length === 18 ? `${value.slice(0, 6)}********${value.slice(14)}` : '*'.repeat(value.length);
}
