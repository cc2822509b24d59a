/**
 * The small set of domain errors. Services throw these; the HTTP layer maps each code to a
 * status and a locale key, the bot to a polite reply, a queue worker to retry or not.
 */
export interface ErrorDetail {
  /** Where the problem is, e.g. `body.password` or `row 12 / 证件号码`. */
  path?: string;
  /** A locale key under `errors.detail.` or a plain message already localised. */
  message: string;
  [extra: string]: unknown;
}

export type ErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'policy_violation'
  | 'rate_limited'
  | 'unavailable';

export abstract class DomainError extends Error {
  abstract readonly code: ErrorCode;
  constructor(
    message: string,
    readonly details: ErrorDetail[] = [],
    /** Values for the localised message, e.g. `{ entity: 'worker' }`. */
    readonly params: Record<string, string | number> = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class ValidationFailed extends DomainError {
  readonly code = 'validation_failed';
}
export class Unauthorized extends DomainError {
  readonly code = 'unauthorized';
}
export class Forbidden extends DomainError {
  readonly code = 'forbidden';
}
export class NotFound extends DomainError {
  readonly code = 'not_found';
  constructor(entity: string, id?: string) {
    super(`${entity} not found`, [], { entity, ...(id ? { id } : {}) });
  }
}
export class Conflict extends DomainError {
  readonly code = 'conflict';
}
/** A rule from the policy documents was broken; `rule` names it, e.g. `seed 004 §12`. */
export class PolicyViolation extends DomainError {
  readonly code = 'policy_violation';
  constructor(
    message: string,
    readonly rule: string,
    details: ErrorDetail[] = [],
  ) {
    super(message, details, { rule });
  }
}
export class RateLimited extends DomainError {
  readonly code = 'rate_limited';
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message, [], { seconds: retryAfterSeconds });
  }
}
export class Unavailable extends DomainError {
  readonly code = 'unavailable';
}
