import { DomainError } from '../src/shared/errors';

/**
 * Why a service refused, by its stable codes: the error's code and the locale keys of its details
 * (`errors:detail.market.already_applied` …), never the words of its message.
 */
export function refusal(err: unknown): { code: DomainError['code']; reasons: string[] } | undefined {
  if (!(err instanceof DomainError)) return undefined;
  return { code: err.code, reasons: err.details.map((d) => d.message) };
}

/** The person had already applied, enrolled or signed up. */
export const ALREADY = new Set(['errors:detail.market.already_applied', 'errors:detail.market.already_enrolled', 'errors:detail.fair.already_signed_up']);
export const FAIR_PREFIX = 'errors:detail.fair.';
