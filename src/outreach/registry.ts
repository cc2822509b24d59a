import type { AppContext } from '../context';
import { logChannel, type Channel } from './channels';
import { miniProgramChannel } from './mini-program';
import { smsChannel } from './sms';
import { officialAccountChannel } from './official-account';

/** Channels this process holds besides the log channel: the bot process adds the pool of WeChat accounts when it starts. */
const held = new Map<string, Channel>();

export function holdChannel(channel: Channel): void {
  held.set(channel.name, channel);
}

/** The channels a delivery job in this process can send through (the mini-program when it is configured). */
export function processChannels(ctx: Pick<AppContext, 'logger' | 'db' | 'redis' | 'config' | 'pii' | 'clock'>): Map<string, Channel> {
  const log = logChannel(ctx.logger, undefined, ctx.config.delivery.logChannelFile);
  const map = new Map<string, Channel>([[log.name, log], ...held]);
  if (ctx.config.wechat) map.set('mini_program', miniProgramChannel(ctx));
  if (ctx.config.officialAccount) map.set('official_account', officialAccountChannel(ctx));
  if (ctx.config.sms) map.set('sms', smsChannel(ctx));
  return map;
}
