import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/config';

const tmp = () => mkdtempSync(join(tmpdir(), 'bangfu-config-'));

function problems(env: Record<string, string>): string[] {
  try {
    loadConfig({ DATA_DIR: tmp(), ...env });
  } catch (err) {
    if (err instanceof ConfigError) return err.problems;
    throw err;
  }
  return [];
}

describe('configuration', () => {
  it('has working defaults for development', () => {
    const config = loadConfig({ DATA_DIR: tmp() });
    expect(config.http.port).toBe(3000);
    expect(config.env).toBe('development');
    expect(config.databaseUrl).toBeUndefined();
    expect(config.demoData).toBe(true);
    expect(config.locale.default).toBe('zh-CN');
    expect(config.secrets.piiKey).toHaveLength(32);
  });

  it('names the variable and what it expects when PORT is not a number', () => {
    const found = problems({ PORT: 'abc' });
    expect(found).toHaveLength(1);
    expect(found[0]).toBe('PORT: expected a whole number from 1 to 65535, got "abc"');
  });

  it('reports every bad variable at once', () => {
    const found = problems({ PORT: '70000', DATABASE_URL: 'mysql://x', LOG_LEVEL: 'loud', DEMO_DATA: 'maybe' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['DATABASE_URL', 'DEMO_DATA', 'LOG_LEVEL', 'PORT']);
  });

  it('never repeats a secret value in its error message', () => {
    const found = problems({ PII_KEY: 'short-secret-value' });
    expect(found[0]).toMatch(/^PII_KEY:/);
    expect(found.join()).not.toContain('short-secret-value');
  });

  it('requires PII_KEY and TOKEN_SECRET in production', () => {
    const found = problems({ NODE_ENV: 'production' });
    expect(found.map((p) => p.split(':')[0]).sort()).toEqual(['PII_KEY', 'TOKEN_SECRET']);
  });

  it('refuses a password hashing cost below OWASP\'s minimum everywhere but in the tests', () => {
    const weak = { ARGON2_MEMORY_KIB: '64', ARGON2_PASSES: '1' };
    const secrets = { PII_KEY: 'ab'.repeat(32), TOKEN_SECRET: 'x'.repeat(40) };
    for (const NODE_ENV of ['production', 'development']) {
      const found = problems({ NODE_ENV, ...secrets, ...weak });
      expect(found).toHaveLength(1);
      expect(found[0]).toMatch(/^ARGON2_MEMORY_KIB: expected at least 47104 with ARGON2_PASSES=1/);
    }
    expect(loadConfig({ NODE_ENV: 'test', DATA_DIR: tmp(), ...weak }).auth.argon2).toEqual({ memoryKib: 64, passes: 1, parallelism: 1 });
    expect(loadConfig({ NODE_ENV: 'production', DATA_DIR: tmp(), ...secrets }).auth.argon2).toEqual({ memoryKib: 19456, passes: 2, parallelism: 1 });
  });

  it('accepts production secrets and turns demo data off there by default', () => {
    const config = loadConfig({
      NODE_ENV: 'production',
      DATA_DIR: tmp(),
      PII_KEY: 'ab'.repeat(32),
      TOKEN_SECRET: 'x'.repeat(40),
    });
    expect(config.demoData).toBe(false);
    expect(config.secrets.piiKey.toString('hex')).toBe('ab'.repeat(32));
  });

  it('generates development secrets once into DATA_DIR and reuses them', () => {
    const dir = tmp();
    const first = loadConfig({ DATA_DIR: dir });
    const file = join(dir, 'secrets.json');
    expect(existsSync(file)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    const second = loadConfig({ DATA_DIR: dir });
    expect(second.secrets.piiKey.equals(first.secrets.piiKey)).toBe(true);
    expect(second.secrets.tokenSecret).toBe(first.secrets.tokenSecret);
    expect(JSON.parse(readFileSync(file, 'utf8')).tokenSecret).toBe(first.secrets.tokenSecret);
  });

  it('keeps region codes as strings of digits', () => {
    expect(loadConfig({ DATA_DIR: tmp(), REGION_ROOT: '53' }).regionRoot).toBe('53');
    expect(problems({ REGION_ROOT: '53a' })[0]).toMatch(/^REGION_ROOT:/);
  });

  it('reads the gig circle radius in kilometres', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).market.radiusKm).toBe(5);
    expect(loadConfig({ DATA_DIR: tmp(), MATCH_RADIUS_KM: '2.5' }).market.radiusKm).toBe(2.5);
    expect(problems({ MATCH_RADIUS_KM: 'far' })[0]).toMatch(/^MATCH_RADIUS_KM: expected kilometres from 0.5 to 500, got "far"/);
  });

  it("takes the console map's tiles as a tile address or a style document, and plain ground without them", () => {
    expect(loadConfig({ DATA_DIR: tmp() }).map).toEqual({ tileUrl: undefined, attribution: undefined });
    expect(loadConfig({ DATA_DIR: tmp(), MAP_TILE_URL: 'https://tiles.example.cn/{z}/{x}/{y}.png', MAP_ATTRIBUTION: '© 天地图' }).map).toEqual({ tileUrl: 'https://tiles.example.cn/{z}/{x}/{y}.png', attribution: '© 天地图' });
    expect(loadConfig({ DATA_DIR: tmp(), MAP_TILE_URL: '/tiles/style.json' }).map.tileUrl).toBe('/tiles/style.json');
    expect(problems({ MAP_TILE_URL: 'https://tiles.example.cn/tile.png' })[0]).toMatch(/^MAP_TILE_URL: expected a tile address with \{z\}, \{x\} and \{y\}, or a style document ending in \.json/);
    expect(problems({ MAP_TILE_URL: 'ftp://tiles.example.cn/{z}/{x}/{y}.png' })[0]).toMatch(/^MAP_TILE_URL: expected an address starting with https:\/\/, http:\/\/ or \//);
    expect(problems({ MAP_TILE_URL: '//tiles.example.cn/style.json' })[0]).toMatch(/^MAP_TILE_URL:/);
  });

  it('takes the official account’s EncodingAESKey only as its 43 letters and digits, and never shows it back', () => {
    const oa = { OA_APP_ID: 'wxoa1234567890abcd', OA_APP_SECRET: 'oa-secret-0123456789abcdef', OA_TOKEN: 'bangfuOaToken2026' };
    const plain = loadConfig({ DATA_DIR: tmp(), ...oa }).officialAccount!;
    expect(plain).toMatchObject({ encodingAesKey: undefined, replyWithinMs: 4000 });
    const key = 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG';
    expect(loadConfig({ DATA_DIR: tmp(), ...oa, OA_ENCODING_AES_KEY: key, OA_REPLY_WITHIN_MS: '3000' }).officialAccount).toMatchObject({ encodingAesKey: key, replyWithinMs: 3000 });
    const found = problems({ ...oa, OA_ENCODING_AES_KEY: `${key.slice(0, 42)}+` });
    expect(found).toEqual(['OA_ENCODING_AES_KEY: expected the 43 letters and digits of the EncodingAESKey set in the official account console']);
    // WeChat gives up after 5 seconds: the door must answer before.
    expect(problems({ ...oa, OA_REPLY_WITHIN_MS: '5000' })[0]).toMatch(/^OA_REPLY_WITHIN_MS: /);
  });

  it('keeps metrics off without METRICS_TOKEN (empty counts as unset), and never shows a short token back', () => {
    expect(loadConfig({ DATA_DIR: tmp() }).metrics).toEqual({ token: undefined, port: undefined, host: '0.0.0.0' });
    expect(loadConfig({ DATA_DIR: tmp(), METRICS_TOKEN: '', METRICS_HOST: '' }).metrics.token).toBeUndefined();
    const on = loadConfig({ DATA_DIR: tmp(), METRICS_TOKEN: 'prometheus-scrapes-with-this-token', METRICS_PORT: '9464', METRICS_HOST: '10.0.0.5' });
    expect(on.metrics).toEqual({ token: 'prometheus-scrapes-with-this-token', port: 9464, host: '10.0.0.5' });
    const found = problems({ METRICS_TOKEN: 'too-short-token' });
    expect(found).toEqual(['METRICS_TOKEN: expected at least 24 characters']);
    expect(problems({ METRICS_PORT: '0' })[0]).toMatch(/^METRICS_PORT: expected a whole number from 1 to 65535/);
  });
});
