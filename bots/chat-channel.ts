import { and, eq } from 'drizzle-orm';
import type { Wechaty } from 'wechaty';
import type { AppContext } from '../src/context';
import { identities } from '../src/db/schema';
import type { Channel } from '../src/outreach/channels';

/**
 * WeChat chat as a delivery channel: the message goes to the contact bound to the person. Held only
 * by the bot process, which alone holds the login; the queue's limiter paces it.
 */
export function chatChannel(ctx: Pick<AppContext, 'db'>, wechaty: Wechaty): Channel {
  return {
    name: 'chat',
    async send(msg) {
      const [bound] = await ctx.db
        .select({ value: identities.value })
        .from(identities)
        .where(and(eq(identities.workerId, msg.workerId), eq(identities.kind, 'wechat_contact')))
        .limit(1);
      if (!bound) return { ok: false, permanent: true, reason: 'not_bound' };
      const contact = await wechaty.Contact.find({ id: bound.value });
      if (!contact) return { ok: false, permanent: true, reason: 'contact_not_found' };
      await contact.say(msg.text);
      return { ok: true };
    },
    async postToGroup(groupName, text) {
      const room = await wechaty.Room.find({ topic: groupName });
      if (!room) return { ok: false, permanent: true, reason: 'group_not_found' };
      await room.say(text);
      return { ok: true };
    },
  };
}
