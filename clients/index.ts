import createClient, { type Client } from 'openapi-fetch';
import type { paths } from './api';

/**
 * A typed client of the bangfu API for front ends (the mini-program, the station console): every path,
 * parameter, body and answer is checked by TypeScript against the OpenAPI document `api.d.ts` was
 * generated from (`npm run client:generate`).
 *
 *   const api = bangfuClient('https://bangfu.example.cn', token);
 *   const { data, error } = await api.GET('/api/v1/me/nearby', { params: { query: { radiusKm: 5, kind: 'gig' } } });
 */
export function bangfuClient(baseUrl: string, token?: string, language: 'zh-CN' | 'en' = 'zh-CN'): Client<paths> {
  return createClient<paths>({ baseUrl, headers: { 'Accept-Language': language, ...(token ? { Authorization: `Bearer ${token}` } : {}) } });
}

export type { paths };
