import type { TFunction } from 'i18next';
import geohash from 'ngeohash';
import { chatActor } from '../chat';
import type { AppContext } from '../context';
import { cancelSignup, checkIn, fairByCode, fairsForWorker, signUp, signupsOf } from '../fairs';
import { beijingTime } from '../shared/time';
import * as apps from '../market';
import { applicationOfWorker, applicationsOfWorker, distanceKm, matchesFor, openVacanciesInBox, payText, scoreVacancy, cancelEnrolment, enrol, listVacancies, vacancyWithEmployer } from '../market';
import { addSubscribeConsents, getSubscription, putSubscription, subscribeConsentsOf, type SubscriptionPut } from '../outreach';
import { checklistFor } from '../policies';
import { changesOf, currentEmployment, findWorker, updateWorker, CONSENT_NOTICE_VERSION, recordConsent, type Worker } from '../registry';
import { Conflict, NotFound } from '../shared/errors';
import { translator } from '../i18n';
import { phoneNumber } from './wechat';
import type { NearbyQuery, ProfilePatch } from './schemas';

type Meta = { requestId?: string; ip?: string };

async function person(ctx: Pick<AppContext, 'db'>, workerId: string): Promise<Worker> {
  const w = await findWorker(ctx.db, workerId);
  if (!w || w.status !== 'active') throw new NotFound('worker', workerId);
  return w;
}

/** The person's own record, masked as everywhere (the full numbers never travel to a phone). */
export async function profile(ctx: Pick<AppContext, 'db'>, workerId: string) {
  const w = await person(ctx, workerId);
  const [job] = await currentEmployment(ctx.db, [workerId]);
  const history = await changesOf(ctx.db, workerId, 20);
  return {
    id: w.id,
    name: w.name,
    idNumber: w.idNumberMasked,
    phone: w.phoneMasked,
    regionCode: w.regionCode,
    intention: w.intention,
    skills: w.skills,
    homeLat: w.homeLat,
    homeLng: w.homeLng,
    preferredLanguage: w.preferredLanguage,
    consent: w.consent,
    employed: w.employed,
    currentJob: job ? { employerName: job.employerName, startDate: job.startDate, monthlyIncomeFen: job.monthlyIncomeFen } : null,
    changes: history.map((c) => ({ fields: c.fields, source: c.source, at: c.at.toISOString() })),
  };
}

/** Corrections from the person: kept in the register's history as their own report. */
export async function updateProfile(ctx: AppContext, workerId: string, patch: ProfilePatch, meta: Meta) {
  const w = await person(ctx, workerId);
  await updateWorker({ ctx, actor: await chatActor(ctx), meta: { ...meta, source: 'self_report' } }, workerId, { ...patch, version: w.version });
  return profile(ctx, workerId);
}

/** The phone number the person picked with the mini-program's phone button. */
export async function setPhone(ctx: AppContext, workerId: string, code: string, meta: Meta) {
  const phone = await phoneNumber(ctx, code);
  return updateProfile(ctx, workerId, { phone }, meta);
}

/**
 * Work near a point (home by default), nearest first, each with its distance, position, geohash and
 * the reasons it fits; with `cluster`, the same posts grouped by geohash cell for a zoomed-out map.
 */
export async function nearby(ctx: AppContext, workerId: string, q: NearbyQuery, t: TFunction) {
  const w = await person(ctx, workerId);
  const lat = q.lat ?? w.homeLat;
  const lng = q.lng ?? w.homeLng;
  if (lat == null || lng == null) return { center: null, items: [], clusters: [], page: q.page, pageSize: q.pageSize, total: 0 };
  // The same circle (15分钟就业服务圈) as matching and the console's map, unless the map asks for another.
  const radiusKm = q.radiusKm ?? ctx.config.market.radiusKm;
  const dLat = radiusKm / 111;
  const dLng = radiusKm / (111 * Math.max(0.01, Math.cos((lat * Math.PI) / 180)));
  const rows = await openVacanciesInBox(ctx.db, { lat, lng, dLat, dLng, kind: q.kind === 'gig' || q.kind === 'job' ? q.kind : undefined, limit: 2000 });
  const within = rows
    .map((r) => ({ ...r, km: distanceKm(lat, lng, r.v.lat!, r.v.lng!) }))
    .filter((r) => r.km <= radiusKm)
    .sort((a, b) => a.km - b.km || a.v.id.localeCompare(b.v.id));
  if (q.cluster) {
    const cells = new Map<string, { count: number; lat: number; lng: number }>();
    for (const r of within) {
      const cell = geohash.encode(r.v.lat!, r.v.lng!, q.cluster);
      const c = cells.get(cell) ?? { count: 0, lat: 0, lng: 0 };
      c.count++;
      c.lat += r.v.lat!;
      c.lng += r.v.lng!;
      cells.set(cell, c);
    }
    const clusters = [...cells.entries()].map(([cell, c]) => ({ geohash: cell, count: c.count, lat: c.lat / c.count, lng: c.lng / c.count })).sort((a, b) => b.count - a.count || a.geohash.localeCompare(b.geohash));
    return { center: { lat, lng }, items: [], clusters, page: 1, pageSize: clusters.length, total: within.length };
  }
  const page = within.slice((q.page - 1) * q.pageSize, q.page * q.pageSize);
  return {
    center: { lat, lng },
    items: page.map((r) => {
      // Without consent, posts are shown by distance only: nothing of the person is matched against them.
      const fit = w.consent ? scoreVacancy(w, r.v, radiusKm, t) : undefined;
      return {
        id: r.v.id,
        kind: r.v.kind,
        title: r.v.title,
        employer: r.employer,
        pay: payText(t, r.v),
        distanceKm: Math.round(r.km * 10) / 10,
        lat: r.v.lat,
        lng: r.v.lng,
        geohash: geohash.encode(r.v.lat!, r.v.lng!, 7),
        reasons: fit?.reasons ?? [t('market:reason.distance', { km: (Math.round(r.km * 10) / 10).toFixed(1) })],
      };
    }),
    clusters: [],
    page: q.page,
    pageSize: q.pageSize,
    total: within.length,
  };
}

/** The best posts (or trainings) for the person, with reasons, as the bot shows them. */
export async function matches(ctx: AppContext, workerId: string, kind: 'jobs' | 'gigs' | 'training', t: TFunction) {
  const w = await person(ctx, workerId);
  // Matching uses the person's data: only with their consent (PIPL Art. 29).
  if (!w.consent) throw new Conflict('no consent', [{ path: 'consent', message: 'errors:detail.me.consent_needed' }]);
  const found = await matchesFor(ctx, w, { kind: kind === 'gigs' ? 'gig' : kind === 'training' ? 'training' : undefined, jobsOnly: kind === 'jobs', limit: 20 }, t);
  return { items: found.map((m) => ({ type: m.type, id: m.id, title: m.title, kind: m.kind, score: m.score, distanceKm: m.distanceKm ?? null, reasons: m.reasons })) };
}

/** Words typed in the search box, over the open posts of the person's prefecture (Chinese cut into words). */
export async function search(ctx: AppContext, workerId: string, q: { q: string; kind?: 'gig' | 'regular' | 'seasonal' | 'public_welfare' | 'workshop' | 'work_relief'; page: number; pageSize: number }, t: TFunction) {
  const w = await person(ctx, workerId);
  const found = await listVacancies(ctx, await chatActor(ctx), { regionCode: w.regionCode.slice(0, 4), status: 'open', q: q.q, kind: q.kind, page: q.page, pageSize: q.pageSize });
  return {
    ...found,
    items: found.items.map((v) => ({ id: v.id, kind: v.kind, title: v.title, employer: v.employerName, pay: payText(t, v), lat: v.lat, lng: v.lng, distanceKm: w.homeLat != null && w.homeLng != null && v.lat != null && v.lng != null ? Math.round(distanceKm(w.homeLat, w.homeLng, v.lat, v.lng) * 10) / 10 : null })),
  };
}

/** One open post, as a person may read it. */
export async function vacancy(ctx: Pick<AppContext, 'db'>, id: string, t: TFunction) {
  const row = await vacancyWithEmployer(ctx.db, id);
  if (!row || (row.v.status !== 'open' && row.v.status !== 'filled')) throw new NotFound('vacancy', id);
  const v = row.v;
  return { id: v.id, kind: v.kind, title: v.title, employer: row.employer, description: v.description, requirements: v.requirements, address: v.address, lat: v.lat, lng: v.lng, pay: payText(t, v), payMinFen: v.payMinFen, payMaxFen: v.payMaxFen, payUnit: v.payUnit, headcount: v.headcount, left: Math.max(0, v.headcount - v.filled), details: v.details, expiresAt: v.expiresAt.toISOString() };
}

export async function apply(ctx: AppContext, workerId: string, vacancyId: string, meta: Meta) {
  await vacancy(ctx, vacancyId, translator('zh-CN'));
  return apps.apply({ ctx, actor: await chatActor(ctx), meta }, vacancyId, workerId, 'mini_program');
}

/** The person's own application, or not found (another person's ids answer exactly like missing ones). */
async function ownApplication(ctx: Pick<AppContext, 'db'>, workerId: string, id: string) {
  const a = await applicationOfWorker(ctx.db, workerId, id);
  if (!a) throw new NotFound('application', id);
  return a;
}

export async function myApplications(ctx: Pick<AppContext, 'db'>, workerId: string) {
  const rows = await applicationsOfWorker(ctx.db, workerId, 100);
  return { items: rows.map((r) => ({ id: r.a.id, vacancyId: r.a.vacancyId, title: r.title, kind: r.kind, employer: r.employer, status: r.a.status, paid: r.a.paid, fairId: r.a.fairId, createdAt: r.a.createdAt.toISOString(), updatedAt: r.a.updatedAt.toISOString() })) };
}

/** Withdraw, or on a gig: checked in, completed. Only the person's own application moves. */
export async function moveApplication(ctx: AppContext, workerId: string, id: string, status: 'withdrawn' | 'checked_in' | 'completed', meta: Meta) {
  await ownApplication(ctx, workerId, id);
  await apps.move({ ctx, actor: await chatActor(ctx), meta }, id, { status });
  return (await myApplications(ctx, workerId)).items.find((a) => a.id === id)!;
}

/** "I was paid" / "I was not paid" after a gig; not paid opens the wage-arrears case. */
export async function reportPaid(ctx: AppContext, workerId: string, id: string, paid: boolean, amountFen: number | undefined, meta: Meta) {
  await ownApplication(ctx, workerId, id);
  await apps.reportPayment({ ctx, actor: await chatActor(ctx), meta }, id, paid, amountFen);
  return (await myApplications(ctx, workerId)).items.find((a) => a.id === id)!;
}

export async function enrolIn(ctx: AppContext, workerId: string, sessionId: string, meta: Meta) {
  return enrol({ ctx, actor: await chatActor(ctx), meta }, sessionId, workerId);
}

export async function cancelTraining(ctx: AppContext, workerId: string, sessionId: string, meta: Meta) {
  return cancelEnrolment({ ctx, actor: await chatActor(ctx), meta }, sessionId, workerId);
}

export async function myFairs(ctx: Pick<AppContext, 'db' | 'clock'>, workerId: string) {
  const w = await person(ctx, workerId);
  const [open, mine] = await Promise.all([fairsForWorker(ctx.db, w, ctx.clock.now(), 20), signupsOf(ctx.db, workerId, ctx.clock.now())]);
  const status = new Map(mine.map((m) => [m.fair.id, m.checkedInAt ? 'checked_in' : m.status]));
  return {
    items: open.map((f) => ({ id: f.id, kind: f.kind, title: f.title, startsAt: f.startsAt.toISOString(), endsAt: f.endsAt.toISOString(), time: beijingTime(f.startsAt), address: f.address, lat: f.lat, lng: f.lng, streamUrl: f.streamUrl, campaign: f.campaign, status: f.status, mine: status.get(f.id) ?? null })),
  };
}

export async function fairSignUp(ctx: AppContext, workerId: string, fairId: string, meta: Meta) {
  return signUp(ctx, await chatActor(ctx), fairId, workerId, 'mini_program', meta);
}

export async function fairCancel(ctx: AppContext, workerId: string, fairId: string, meta: Meta) {
  return cancelSignup(ctx, await chatActor(ctx), fairId, workerId, meta);
}

/** Check-in with the code the fair's QR code carries. */
export async function fairCheckIn(ctx: AppContext, workerId: string, code: string, meta: Meta) {
  const f = await fairByCode(ctx.db, code);
  if (!f) throw new NotFound('job fair', code);
  return checkIn({ ctx, actor: await chatActor(ctx), meta }, f.id, workerId, 'qr');
}

export async function policies(ctx: AppContext, workerId: string, t: TFunction) {
  return checklistFor(ctx, await person(ctx, workerId), t);
}

export async function subscription(ctx: AppContext, workerId: string) {
  return getSubscription(ctx, await chatActor(ctx), workerId);
}

export async function setSubscription(ctx: AppContext, workerId: string, input: SubscriptionPut, meta: Meta) {
  return putSubscription({ ctx, actor: await chatActor(ctx), meta }, workerId, input);
}

/** The consent notice in the person's language, and their answer so far. */
export async function consentState(ctx: Pick<AppContext, 'db'>, workerId: string, t: TFunction) {
  const w = await person(ctx, workerId);
  return { granted: w.consent, noticeVersion: CONSENT_NOTICE_VERSION, notice: t('registry:consent.notice') };
}

/** The person agrees to (or withdraws from) matching and messages, from the mini-program (PIPL Art. 29). */
export async function setConsent(ctx: AppContext, workerId: string, granted: boolean, t: TFunction) {
  const w = await person(ctx, workerId);
  await recordConsent({ ctx }, { workerId, regionCode: w.regionCode, granted, channel: 'mini_program', recordedBy: null, at: ctx.clock.now() });
  return consentState(ctx, workerId, t);
}

/** The templates the person accepted in wx.requestSubscribeMessage: one more message allowed for each. */
export async function addConsents(ctx: Pick<AppContext, 'db' | 'clock'>, workerId: string, templateIds: string[]) {
  await addSubscribeConsents(ctx.db, workerId, templateIds, ctx.clock.now());
  return consents(ctx, workerId);
}

export async function consents(ctx: Pick<AppContext, 'db'>, workerId: string) {
  return { items: await subscribeConsentsOf(ctx.db, workerId) };
}
