import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../src/config';
import { choosePuppet, MOCK_PUPPET, NoRealPuppet } from '../../bots/puppet';

const tmp = () => mkdtempSync(join(tmpdir(), 'bangfu-puppet-'));
const production = { NODE_ENV: 'production', PII_KEY: 'ab'.repeat(32), TOKEN_SECRET: 'x'.repeat(40) };

describe('choosing the WeChat puppet', () => {
  it('runs the bot on the mock WeChat outside production when none is named', () => {
    const config = loadConfig({ DATA_DIR: tmp(), WECHATY_PUPPET: '' });
    expect(config.bot.puppet).toBe(MOCK_PUPPET);
    const choice = choosePuppet(config);
    expect(choice.mocker).toBeDefined();
    expect(choice.options.name).toBe('bangfu');
  });

  it('refuses the mock WeChat in production, saying plainly which variables to set', () => {
    const config = loadConfig({ DATA_DIR: tmp(), ...production });
    expect(() => choosePuppet(config)).toThrow(NoRealPuppet);
    expect(() => choosePuppet(config)).toThrow(/no real puppet is configured.*WECHATY_PUPPET=wechaty-puppet-service and WECHATY_PUPPET_SERVICE_TOKEN/);
    // A pool account registered on the mock is refused the same way.
    expect(() => choosePuppet(config, { puppet: MOCK_PUPPET, token: undefined, name: 'station-2' })).toThrow(/WeChat bot station-2 not started/);
  });

  it('hands a real puppet its name and token without loading it', () => {
    const config = loadConfig({ DATA_DIR: tmp(), ...production, WECHATY_PUPPET: 'wechaty-puppet-service', WECHATY_PUPPET_SERVICE_TOKEN: 'puppet-token-1' });
    expect(choosePuppet(config)).toEqual({ options: { name: 'bangfu', puppet: 'wechaty-puppet-service', puppetOptions: { token: 'puppet-token-1' } } });
  });
});
