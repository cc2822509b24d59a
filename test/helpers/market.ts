import type { Staff } from './api';
import { REGIONS } from './factories';

/** Near 元阳县 南沙镇: a point and offsets in km along latitude. */
export const HOME = { lat: 23.2236, lng: 102.8253 };
export const north = (km: number) => ({ lat: HOME.lat + km / 111, lng: HOME.lng });

export async function verifiedEmployer(staff: Staff, over: Record<string, unknown> = {}) {
  const e = await staff.post('/api/v1/employers', { name: '南沙镇保洁服务队', kind: 'enterprise', regionCode: REGIONS.countyA.code, ...over });
  if (e.status !== 201) throw new Error(`employer: ${JSON.stringify(e.body)}`);
  await staff.post(`/api/v1/employers/${e.body.id}/verify`);
  return e.body as { id: string; name: string };
}

export function gig(employerId: string, over: Record<string, unknown> = {}) {
  return {
    employerId,
    kind: 'gig',
    title: '招聘保洁员',
    description: '南沙镇集市清扫，包午餐',
    regionCode: REGIONS.townA.code,
    ...north(2),
    payMinFen: 18000,
    payMaxFen: 18000,
    payUnit: 'day',
    requiredSkills: ['保洁'],
    headcount: 10,
    details: { date: '2026-07-01', startTime: '08:00', endTime: '17:00', paymentDueDays: 2 },
    ...over,
  };
}
