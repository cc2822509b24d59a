import { createHmac, randomBytes } from 'node:crypto';

const PREFIX = 'bf_';

export function newToken(): string {
  return PREFIX + randomBytes(32).toString('base64url');
}

export function looksLikeToken(token: string): boolean {
  return token.startsWith(PREFIX) && token.length === PREFIX.length + 43 && /^[A-Za-z0-9_-]+$/.test(token.slice(PREFIX.length));
}

/** Only this keyed digest is stored; without TOKEN_SECRET a copy of the sessions table opens nothing. */
export function tokenDigest(secret: string, token: string): string {
  return createHmac('sha256', secret).update(token).digest('hex');
}
