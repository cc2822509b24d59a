import { negotiateLocale, translator } from '../../src/i18n';

describe('choosing the language of a reply', () => {
  it('defaults to Chinese', () => {
    expect(negotiateLocale(undefined, 'zh-CN')).toBe('zh-CN');
    expect(negotiateLocale('fr-FR', 'zh-CN')).toBe('zh-CN');
  });
  it('follows Accept-Language with q-values', () => {
    expect(negotiateLocale('en-US,en;q=0.9', 'zh-CN')).toBe('en');
    expect(negotiateLocale('en;q=0.3, zh-TW;q=0.8', 'zh-CN')).toBe('zh-CN');
    expect(negotiateLocale('fr, en;q=0.5', 'zh-CN')).toBe('en');
    expect(negotiateLocale('en;q=0', 'zh-CN')).toBe('zh-CN');
  });
  it('translates with variables', () => {
    expect(translator('en')('errors:rate_limited', { seconds: 30 })).toBe('Too many attempts; try again in 30 seconds');
    expect(translator('zh-CN')('errors:rate_limited', { seconds: 30 })).toContain('30 秒');
  });
});
