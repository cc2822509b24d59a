import type { TFunction } from 'i18next';

/** Reasons that are codes of our own; anything else a provider said is shown as its error code. */
const KNOWN = new Set([
  'not_bound', 'no_consent_left', 'no_consent', 'no_phone', 'not_mobile', 'sms_opt_out', 'unavailable', 'accounts_offline', 'accounts_at_ceiling',
  'outside_window_no_template', 'unsubscribed', 'unsubscribed_topic', 'left', 'cancelled', 'stopped', 'quiet_hours', 'daily_cap', 'interrupted',
  'no_contact', 'in_doubt', 'no_report', 'assumed_sent', 'retries_exhausted', 'no_channel', 'unconfirmed', 'awaiting', 'undelivered',
]);

/**
 * The codes in a stored reason, in the order the channels were tried: "chat:not_bound, sms:no_phone" →
 * [not_bound, no_phone]; "in_doubt: no answer within 10000 ms" → [in_doubt]; "wechat_43101" → [provider:wechat_43101].
 */
export function reasonCodes(reason: string | null): string[] {
  if (!reason) return [];
  const head = /^(in_doubt|retries_exhausted|handed_off|retry):/.exec(reason);
  if (head) return [head[1]!];
  return reason
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const code = part.includes(':') ? part.slice(part.indexOf(':') + 1) : part;
      return KNOWN.has(code) ? code : `provider:${code}`;
    });
}

/** A reason in plain words, in the reader's language; `until` for a delivery waiting for an allowed hour. */
export function reasonLabel(t: TFunction, reason: string | null, until?: string | null): string {
  const codes = reasonCodes(reason);
  if (!codes.length) return t('outreach:reason.none');
  return codes
    .map((c) => (c.startsWith('provider:') ? t('outreach:reason.provider', { code: c.slice('provider:'.length) }) : t(`outreach:reason.${c}`, { until: until ?? '' })))
    .join(t('outreach:reason.separator'));
}

/** The key a reason is grouped under in a broadcast's counts: its codes in order. */
export function reasonKey(reason: string | null): string {
  return reasonCodes(reason).join('+') || 'none';
}
