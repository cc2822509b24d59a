// Compiled by the client's test only: calls a mini-program makes, checked against the document.
import { bangfuClient } from './index';

export async function usage(): Promise<void> {
  const open = bangfuClient('https://bangfu.example.cn');
  const session = await open.POST('/api/v1/me/login', { body: { code: '0a3Xyz000abc' } });
  const api = bangfuClient('https://bangfu.example.cn', session.data?.token);
  await api.GET('/api/v1/me/nearby', { params: { query: { radiusKm: 5, kind: 'gig' } } });
  await api.POST('/api/v1/me/vacancies/{id}/apply', { params: { path: { id: '00000000-0000-0000-0000-000000000000' } } });
  await api.POST('/api/v1/me/subscribe-consents', { body: { templateIds: ['tmpl-job-notice-01'] } });
  // @ts-expect-error a path the API does not have
  await api.GET('/api/v1/me/nowhere');
  // @ts-expect-error kind is gig, job or all
  await api.GET('/api/v1/me/nearby', { params: { query: { kind: 'anything' } } });
}
