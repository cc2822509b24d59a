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
export function choosePuppet(config: Config, account?: { puppet: string; token: string | undefined; name: string }): PuppetChoice {
  const puppet = account?.puppet ?? config.bot.puppet;
  const name = account?.name ?? config.bot.name;
  const token = account ? account.token : config.bot.puppetToken;
  if (puppet === 'wechaty-puppet-mock') {
    const mocker = new mock.Mocker();
    return { options: { name, puppet: new PuppetMock({ mocker }) }, mocker };
  }
  return {
    options: {
      name,
      puppet: puppet as never,
      ...(token ? { puppetOptions: { token } } : {}),
    },
  };
}
