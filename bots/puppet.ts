import type { WechatyOptions } from 'wechaty';
import type { mock } from 'wechaty-puppet-mock';
import type { Config } from '../src/config';

/** The simulated WeChat: development, tests and `npm run chat`; a development dependency only. */
export const MOCK_PUPPET = 'wechaty-puppet-mock';

export interface PuppetChoice {
  options: WechatyOptions;
  /** Present with the mock puppet: tests and the simulator drive it. */
  mocker?: mock.Mocker;
}

/**
 * The account would run on the mock puppet where it may not: in production, or in an install without
 * development dependencies. Nobody could reach it, so it is not started, and the message says what to set.
 */
export class NoRealPuppet extends Error {
  override name = 'NoRealPuppet';
}

function noRealPuppet(name: string, why: string): NoRealPuppet {
  return new NoRealPuppet(
    `微信机器人 ${name} 未启动：没有配置真实的微信接入 / WeChat bot ${name} not started: no real puppet is configured ` +
      `(WECHATY_PUPPET is unset or ${MOCK_PUPPET}, the simulated WeChat, ${why}). Set WECHATY_PUPPET=wechaty-puppet-service and ` +
      'WECHATY_PUPPET_SERVICE_TOKEN to serve people on WeChat; until then chat messages go by the other channels.',
  );
}

/** The mock puppet's package, loaded only when it is chosen, so production never needs it installed. */
function loadMock(name: string): typeof import('wechaty-puppet-mock') {
  try {
    return require(MOCK_PUPPET) as typeof import('wechaty-puppet-mock');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'MODULE_NOT_FOUND' && (err as Error).message.includes(MOCK_PUPPET)) {
      throw noRealPuppet(name, 'which is not installed: an install without development dependencies leaves it out');
    }
    throw err;
  }
}

/**
 * The mock puppet by default outside production (no WeChat login needed); any other puppet by its npm
 * name, e.g. WECHATY_PUPPET=wechaty-puppet-service with WECHATY_PUPPET_SERVICE_TOKEN. In production the
 * mock is refused with NoRealPuppet.
 */
export function choosePuppet(config: Config, account?: { puppet: string; token: string | undefined; name: string }): PuppetChoice {
  const puppet = account?.puppet ?? config.bot.puppet;
  const name = account?.name ?? config.bot.name;
  const token = account ? account.token : config.bot.puppetToken;
  if (puppet === MOCK_PUPPET) {
    if (config.env === 'production') throw noRealPuppet(name, 'which production does not run');
    const { PuppetMock, mock: mocks } = loadMock(name);
    const mocker = new mocks.Mocker();
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
