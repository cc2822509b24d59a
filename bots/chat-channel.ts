import type { Wechaty } from 'wechaty';
import type { LiveAccount } from '../src/outreach';

/**
 * One logged-in WeChat account as the pool sees it: say to a contact by id, post into a group by its
 * name. The pool chooses the account, paces it and counts what it sends.
 */
export function liveAccount(id: string, wechaty: Wechaty, lease?: LiveAccount['lease']): LiveAccount {
  return {
    id,
    ...(lease ? { lease } : {}),
    async say(contactId, text) {
      const contact = await wechaty.Contact.find({ id: contactId });
      if (!contact) return 'contact_not_found';
      await contact.say(text);
      return 'ok';
    },
    async postToGroup(topic, text) {
      const room = await wechaty.Room.find({ topic });
      if (!room) return 'group_not_found';
      await room.say(text);
      return 'ok';
    },
    async findSent(contactId, text, since) {
      // What the puppet keeps of this login's messages: the bot's own record of what it said.
      const self = wechaty.currentUser.id;
      const said = await wechaty.Message.findAll({ fromId: self, toId: contactId, text });
      return said.some((m) => m.date().getTime() >= since.getTime() - 1000);
    },
  };
}
