import type { AppContext } from '../context';
import { logChannel, type Channel } from './channels';

/** Channels this process holds besides the log channel: the bot process adds WeChat chat when it logs in. */
const held = new Map<string, Channel>();

export function holdChannel(channel: Channel): void {
  held.set(channel.name, channel);
}

export function releaseChannel(name: Channel['name']): void {
  held.delete(name);
}

/** The channels a delivery job in this process can send through. */
export function processChannels(ctx: Pick<AppContext, 'logger'>): Map<string, Channel> {
  const log = logChannel(ctx.logger);
  return new Map<string, Channel>([[log.name, log], ...held]);
}
