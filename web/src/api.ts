import { bangfuClient } from '../../clients/index';
import type { Lang } from './i18n';

const TOKEN = 'bangfu.console.token';

export function savedToken(): string | null {
  return sessionStorage.getItem(TOKEN);
}

export function saveToken(token: string | null): void {
  if (token) sessionStorage.setItem(TOKEN, token);
  else sessionStorage.removeItem(TOKEN);
}

/** The typed client for the signed-in member of staff, speaking their language. */
export function client(lang: Lang) {
  return bangfuClient(window.location.origin, savedToken() ?? undefined, lang);
}

/** A failure as the API words it: the message and, for bad input, each field's reason. */
export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: Array<{ path?: string; message: string }>,
    /** Seconds the service asked to wait before trying again (503 while busy or cut off from its database). */
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** Unwraps an answer of the typed client: its data, or an ApiError with the server's own words. */
export async function need<T>(call: Promise<{ data?: T; error?: unknown; response: Response }>): Promise<T> {
  const { data, error, response } = await call;
  // A session that ran out (not a failed sign-in): back to the sign-in page.
  if (response.status === 401 && savedToken()) {
    saveToken(null);
    window.location.reload();
  }
  if (error !== undefined || data === undefined) {
    const e = (error as { error?: { message?: string; details?: Array<{ path?: string; message: string }> } } | undefined)?.error;
    // The reasons go with the message, so a person reads what to change, not only that it failed.
    const reasons = (e?.details ?? []).map((d) => d.message).filter((m) => m && m !== e?.message);
    const colon = document.documentElement.lang === 'en' ? ': ' : '：';
    const wait = Number(response.headers.get('retry-after'));
    throw new ApiError([e?.message ?? response.statusText, ...new Set(reasons)].join(colon), response.status, e?.details ?? [], Number.isFinite(wait) && wait > 0 ? wait : undefined);
  }
  return data;
}

/** Raw fetch with the token, for uploads and images the typed client does not cover. */
export function authFetch(path: string, lang: Lang, init: RequestInit = {}): Promise<Response> {
  const headers = new Headers(init.headers);
  const token = savedToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  headers.set('Accept-Language', lang);
  return fetch(path, { ...init, headers });
}

/** A day and time as the pickers give it (YYYY-MM-DDTHH:mm), read as Beijing time (the stations' time, whatever the browser says). */
export function beijing(local: string): string {
  return new Date(`${local.length === 16 ? `${local}:00` : local}+08:00`).toISOString();
}

/** An instant as people in China read it. */
export function beijingText(iso: string): string {
  return new Date(iso).toLocaleString('zh-CN', { hour12: false, timeZone: 'Asia/Shanghai' });
}

/** The day of an instant in Beijing (YYYY-MM-DD), not in UTC: a contact at 07:00 Beijing time is that day's. */
export function beijingDate(iso: string): string {
  return new Date(iso).toLocaleDateString('sv-SE', { timeZone: 'Asia/Shanghai' });
}

/** Saves a file the API answers (a report, a form), with the token a plain link could not carry; the failure's words, or null. */
export async function downloadFile(path: string, name: string, lang: Lang): Promise<string | null> {
  const res = await authFetch(path, lang);
  if (!res.ok) return ((await res.json().catch(() => ({}))) as { error?: { message?: string } }).error?.message ?? res.statusText;
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.click();
  URL.revokeObjectURL(url);
  return null;
}
