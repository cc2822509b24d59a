import { checkCharacter, maskResidentId, parseResidentId } from '../../src/pii/resident-id';
import { maskPhone, normalizePhone } from '../../src/pii/phone';
import { PiiVault } from '../../src/pii/vault';

/** A valid number built the way the standard says, for a man born 1985-03-07 in 元阳县 (532528). */
const VALID = '53252819850307051' + checkCharacter('53252819850307051');
const TODAY = new Date('2026-06-01T00:00:00Z');

describe('resident ID numbers (GB 11643)', () => {
  it('accepts a valid number and derives birth date and sex', () => {
    const r = parseResidentId(VALID, TODAY);
    expect(r).toEqual({ ok: true, id: { value: VALID, birthDate: '1985-03-07', sex: 'male', issuingRegion: '532528' } });
  });

  it('reads full-width digits, spaces and a lower-case x', () => {
    const withX = '1101051949010100' + '2';
    const first17 = withX.slice(0, 17);
    const full = first17 + checkCharacter(first17);
    const typed = full.replace(/\d/g, (d) => String.fromCharCode(d.charCodeAt(0) + 0xfee0)).toLowerCase();
    const r = parseResidentId(` ${typed.slice(0, 6)} ${typed.slice(6)} `, TODAY);
    expect(r.ok).toBe(true);
  });

  it('finds the known X check character', () => {
    // 11010519491231002X is the standard's own example.
    expect(parseResidentId('11010519491231002x', TODAY)).toMatchObject({ ok: true, id: { sex: 'female', birthDate: '1949-12-31' } });
  });

  it.each([
    ['format', '53252819850307'],
    ['format', '5325281985030705AB'],
    ['region', '99252819850307051' + checkCharacter('99252819850307051')],
    ['birth_date', '53252819850230051' + checkCharacter('53252819850230051')],
    ['birth_date', '53252820300101051' + checkCharacter('53252820300101051')],
    ['checksum', VALID.slice(0, 17) + (VALID[17] === '1' ? '2' : '1')],
  ])('says which check failed: %s (%s)', (reason, value) => {
    expect(parseResidentId(value, TODAY)).toEqual({ ok: false, reason });
  });

  it('masks all but the issuing region and the last four', () => {
    expect(maskResidentId(VALID)).toBe(`532528********${VALID.slice(14)}`);
  });
});

describe('phone numbers', () => {
  it('accepts mobiles with or without +86 and spaces, and landlines', () => {
    expect(normalizePhone('138 0013 8000')).toBe('13800138000');
    expect(normalizePhone('+8613800138000')).toBe('13800138000');
    expect(normalizePhone('０８７３－３１２３４５６')).toBe('0873-3123456');
    expect(normalizePhone('08733123456')).toBe('0873-3123456');
    expect(normalizePhone('12345')).toBeUndefined();
  });
  it('masks the middle', () => {
    expect(maskPhone('13800138000')).toBe('138****8000');
    expect(maskPhone('0873-3123456')).toBe('0873-***3456');
  });
});

describe('the personal-data vault', () => {
  const vault = new PiiVault(Buffer.alloc(32, 7));

  it('round-trips, and never gives the same ciphertext twice', () => {
    const a = vault.encrypt(VALID);
    const b = vault.encrypt(VALID);
    expect(a).not.toBe(b);
    expect(a).not.toContain(VALID);
    expect(vault.decrypt(a)).toBe(VALID);
  });

  it('detects tampering', () => {
    const c = vault.encrypt('13800138000');
    const raw = Buffer.from(c.slice(3), 'base64');
    raw.writeUInt8(raw.readUInt8(raw.length - 1) ^ 1, raw.length - 1);
    expect(() => vault.decrypt('v1.' + raw.toString('base64'))).toThrow();
  });

  it('gives a stable keyed index that differs by kind and by key', () => {
    expect(vault.index('id', VALID)).toBe(vault.index('id', VALID));
    expect(vault.index('id', VALID)).not.toBe(vault.index('phone', VALID));
    expect(new PiiVault(Buffer.alloc(32, 8)).index('id', VALID)).not.toBe(vault.index('id', VALID));
  });
});
