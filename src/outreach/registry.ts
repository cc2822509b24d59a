import type { AppContext } from '../context';
import { logChannel, type Channel } from './channels';

/**
 * The channels a queue worker process can send through. The log channel is always there; WeChat
 * chat is sent by the process that holds the bot's login, the mini-program channel by the WeChat API.
 */
export function workerChannels(ctx: Pick<AppContext, 'logger'>): Map<string, Channel> {
  const log = logChannel(ctx.logger);
  return new Map([[log.name, log]]);
}
