import type { mock } from 'wechaty-puppet-mock';
import type { AppContext } from '../src/context';
import { moveDoors } from '../src/outreach';
import { findWorker } from '../src/registry';
import type { Bot } from './bot';

export class SimulatorRefused extends Error {}

export interface SimulatedUser {
  say(text: string): void;
  close(): void;
}

/**
 * A mock WeChat user talking to the bot, for `npm run chat`: in its own service, or attached to a
 * running one. Only a bot on the mock puppet has one; a real WeChat login is never simulated.
 */
export async function simulatedUser(ctx: Pick<AppContext, 'db'>, bot: Bot, opts: { name: string; bind?: string }, onReply: (text: string) => void): Promise<SimulatedUser> {
  if (!bot.mocker || !bot.self) throw new SimulatorRefused('the bot is connected to a real WeChat account, not the mock puppet');
  const id = `sim-${opts.name}`;
  let user: mock.ContactMock;
  try {
    // Known already: the simulated WeChat kept it from an earlier session of this account.
    user = bot.mocker.ContactMock.load(id);
  } catch {
    user = bot.mocker.createContact({ id, name: opts.name });
  }
  if (opts.bind) {
    const w = /^[0-9a-f-]{36}$/i.test(opts.bind) ? await findWorker(ctx.db, opts.bind) : undefined;
    if (!w) throw new SimulatorRefused(`--bind: no registered person with id ${opts.bind}`);
    // Bound through the account this process drives, which the pool then sends by.
    await moveDoors(ctx.db, w.id, [{ kind: 'wechat_contact', value: user.id, accountId: bot.account.id }]);
  }
  const self = bot.self;
  const listener = (msg: mock.MessageMock) => {
    if (msg.payload.talkerId === self.id) onReply(msg.payload.text ?? '');
  };
  user.on('message', listener);
  return {
    say: (text) => void user.say(text).to(self),
    close: () => void user.off('message', listener),
  };
}
