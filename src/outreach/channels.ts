import type { Logger } from '../logger';

/** What a channel is handed: never more than it needs to send. */
export interface OutgoingMessage {
  deliveryId: string;
  workerId: string;
  text: string;
}

export type SendResult = { ok: true } | { ok: false; permanent: true; reason: string };

/** A way of reaching people. A thrown error is transient (retried with backoff); a permanent failure is returned. */
export interface Channel {
  name: 'chat' | 'mini_program' | 'log' | 'sms' | 'official_account';
  send(msg: OutgoingMessage): Promise<SendResult>;
  /** Posts into a WeChat group by its name (WeChat chat only). */
  postToGroup?(groupName: string, text: string): Promise<SendResult>;
}

/** For development and tests: "sends" by writing a line without the text or any personal data. */
export function logChannel(logger: Logger, sink?: OutgoingMessage[]): Channel {
  return {
    name: 'log',
    async send(msg) {
      sink?.push(msg);
      logger.info({ deliveryId: msg.deliveryId, chars: msg.text.length }, 'message delivered (log channel)');
      return { ok: true };
    },
  };
}
