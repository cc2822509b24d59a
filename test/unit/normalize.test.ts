import { normalizeInput } from '../../bots/normalize';

describe('reading chat input tolerantly', () => {
  it('turns full-width digits, letters and spaces into plain ones', () => {
    expect(normalizeInput('０')).toBe('0');
    expect(normalizeInput('ＨＥＬＰ')).toBe('help');
    expect(normalizeInput('帮\u3000助')).toBe('帮 助');
  });
  it('drops surrounding punctuation and spaces', () => {
    expect(normalizeInput('  帮助！！ ')).toBe('帮助');
    expect(normalizeInput('帮助。')).toBe('帮助');
    expect(normalizeInput('~help?')).toBe('help');
  });
});
