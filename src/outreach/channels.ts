import { appendFileSync } from 'node:fs';
import type { Logger } from '../logger';

/** What a channel is handed: never more than it needs to send; the recipient is a registered person or a member of staff. */
export type OutgoingMessage = { deliveryId: string; text: string } & ({ workerId: string; accountId?: undefined } | { accountId: string; workerId?: undefined });

export type SendResult = { ok: true; ref?: string } | { ok: false; permanent: true; reason: string };

/**
 * The request may have reached the provider: a timeout or a reset after it was written, a server error
 * after it was read. The delivery becomes `unknown` and is never sent again; the provider's report (or the
 * channel's rule after a wait) settles it.
 */
export class InDoubt extends Error {
  constructor(
    readonly detail: string,
    readonly ref?: string,
  ) {
    super(`outcome unknown: ${detail}`);
    this.name = 'InDoubt';
  }
}

/**
 * WeChat chat: the person's accounts are driven by another bot process (or were, so lately that a taker is
 * on its way). The delivery waits for that process to take its job, without using up a retry.
 */
export class HeldElsewhere extends Error {
  override name = 'HeldElsewhere';
}

/** Network errors raised before a request was written: the provider cannot have seen it, a retry is safe. */
const NOT_SENT_CODES = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'UND_ERR_CONNECT_TIMEOUT', 'ERR_INVALID_URL']);

function codesOf(err: unknown): string[] {
  const out: string[] = [];
  for (let e = err as { code?: unknown; cause?: unknown; message?: unknown } | undefined, depth = 0; e && depth < 5; e = e.cause as typeof e, depth++) {
    if (typeof e.code === 'string') out.push(e.code);
    if (typeof e.message === 'string') out.push(...(e.message.match(/\b(E[A-Z_]{4,}|UND_ERR_[A-Z_]+)\b/g) ?? []));
  }
  return out;
}

/** Whether a failed request may have reached the provider (anything but an error known to come before writing). */
export function mayHaveArrived(err: unknown): boolean {
  return !codesOf(err).some((c) => NOT_SENT_CODES.has(c));
}

/**
 * POSTs JSON and reads the JSON answer. Failing before the request was written throws a plain error
 * (retried); failing after it (timeout, reset, a 5xx, an answer that is not JSON) throws InDoubt.
 */
export async function postJson<T>(url: URL, body: object, timeoutMs: number): Promise<T> {
  let res: Response;
  try {
    res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body), signal: AbortSignal.timeout(timeoutMs) });
  } catch (err) {
    if (mayHaveArrived(err)) throw new InDoubt((err as Error).name === 'TimeoutError' ? `no answer within ${timeoutMs} ms` : `connection lost: ${codesOf(err)[0] ?? (err as Error).name}`);
    throw err;
  }
  let text: string;
  try {
    text = await res.text();
  } catch {
    throw new InDoubt(`answer cut off (HTTP ${res.status})`);
  }
  if (!res.ok) throw new InDoubt(`HTTP ${res.status}`);
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new InDoubt(`unreadable answer (HTTP ${res.status})`);
  }
}

/**
 * A way of reaching people. A thrown plain error means not sent (retried with backoff); InDoubt means it
 * may have been; a permanent failure is returned.
 */
export interface Channel {
  name: 'chat' | 'mini_program' | 'log' | 'sms' | 'official_account';
  send(msg: OutgoingMessage): Promise<SendResult>;
  /** Posts into a WeChat group by its name (WeChat chat only). */
  postToGroup?(groupName: string, text: string): Promise<SendResult>;
}

/**
 * For development and tests: "sends" by writing a line without the text or any personal data; with
 * `file`, the delivery id is also appended there before the send counts, so a process killed right after
 * cannot have counted a message it never wrote (a log line may still sit in the process's buffer).
 */
export function logChannel(logger: Logger, sink?: OutgoingMessage[], file?: string): Channel {
  return {
    name: 'log',
    async send(msg) {
      sink?.push(msg);
      if (file) appendFileSync(file, `${msg.deliveryId}\n`);
      logger.info({ deliveryId: msg.deliveryId, chars: msg.text.length }, 'message delivered (log channel)');
      return { ok: true };
    },
  };
}
