import type { WechatyOptions } from 'wechaty';
import { PuppetMock, mock } from 'wechaty-puppet-mock';
import type { Config } from '../src/config';

export interface PuppetChoice {
  options: WechatyOptions;
  /** Present with the mock puppet: tests and the simulator drive it. */
  mocker?: mock.Mocker;
}

/**
 * The mock puppet by default (no WeChat login needed); any other puppet by its npm name,
 * e.g. WECHATY_PUPPET=wechaty-puppet-service with WECHATY_PUPPET_SERVICE_TOKEN.
 */
export function choosePuppet(config: Config): PuppetChoice {
  if (config.bot.puppet === 'wechaty-puppet-mock') {
    const mocker = new mock.Mocker();
    return { options: { name: config.bot.name, puppet: new PuppetMock({ mocker }) }, mocker };
  }
  return {
    options: {
      name: config.bot.name,
      puppet: config.bot.puppet as never,
      ...(config.bot.puppetToken ? { puppetOptions: { token: config.bot.puppetToken } } : {}),
    },
  };
}
