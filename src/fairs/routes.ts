import Router from '@koa/router';
import { excel } from '../shared/libraries';
import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import type { RequestState } from '../http/state';
import { translator } from '../i18n';
import { beijingTime } from '../shared/time';
import { CheckinInput, FairCreate, FairList, FairListQuery, FairOutcome, FairPatch, FairPeople, FairView, OnScreenInput, OutcomeQuery, PeopleQuery, SignupCancelled, SignupInput, SignupList, SignupListQuery, SignupView, VacancyIds, WalkIn, WalkInView } from './schemas';
import * as service from './service';
import { BroadcastPreview } from '../outreach';

const Id = z.object({ id: z.uuid() });
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

export function fairRoutes(api: Api, ctx: AppContext): void {
  const tags = ['fairs'];
  const meta = requestMeta;
  api.route({ method: 'post', path: '/fairs', summary: 'A job fair (on site, live stream, video) as a draft, with the posts employers bring', tags, auth: 'staff', body: FairCreate, response: FairView, handler: ({ actor, body, koa }) => service.createFair({ ctx, actor, meta: meta(koa) }, body) });
  api.route({ method: 'get', path: '/fairs', summary: 'Fairs of your region and those open to it, newest first', tags, auth: 'staff', query: FairListQuery, response: FairList, handler: ({ actor, query }) => service.listFairs(ctx, actor, query) });
  api.route({ method: 'get', path: '/fairs/:id', summary: 'One fair', tags, auth: 'staff', params: Id, response: FairView, handler: ({ actor, params }) => service.getFair(ctx, actor, params.id) });
  api.route({ method: 'patch', path: '/fairs/:id', summary: 'Change a draft or announced fair (a new time re-plans the reminders)', tags, auth: 'staff', params: Id, body: FairPatch, response: FairView, handler: ({ actor, params, body, koa }) => service.updateFair({ ctx, actor, meta: meta(koa) }, params.id, body) });
  api.route({ method: 'post', path: '/fairs/:id/vacancies', summary: 'Add posts to the fair (numbered in the order added)', tags, auth: 'staff', params: Id, body: VacancyIds, status: 200, response: FairView, handler: ({ actor, params, body, koa }) => service.addVacancies({ ctx, actor, meta: meta(koa) }, params.id, body.vacancyIds) });
  api.route({
    method: 'post', path: '/fairs/:id/announce/preview', summary: 'Before announcing a draft fair: who hears of it by channel, the SMS count and cost estimate, and the message as one of them reads it on each channel', tags, auth: 'staff',
    params: Id, body: z.object({ recipientId: z.uuid().optional() }).strict(), status: 200, response: BroadcastPreview,
    handler: ({ actor, params, body }) => service.previewAnnouncement(ctx, actor, params.id, body.recipientId),
  });
  api.route({ method: 'post', path: '/fairs/:id/announce', summary: 'draft → announced: tell the audience (and the station’s WeChat groups); sign-ups open', tags, auth: 'staff', params: Id, status: 200, response: FairView, handler: ({ actor, params, koa }) => service.announceFair({ ctx, actor, meta: meta(koa) }, params.id) });
  api.route({ method: 'post', path: '/fairs/:id/live', summary: 'announced → live (also done by the clock at the start)', tags, auth: 'staff', params: Id, status: 200, response: FairView, handler: async ({ actor, params, koa }) => (await service.goLive({ ctx, actor, meta: meta(koa) }, params.id))! });
  api.route({ method: 'post', path: '/fairs/:id/on-screen', summary: '直播带岗: the post on screen now; those signed up and those who take fair news are told, and may apply by replying', tags, auth: 'staff', params: Id, body: OnScreenInput, status: 200, response: FairView, handler: ({ actor, params, body, koa }) => service.putOnScreen({ ctx, actor, meta: meta(koa) }, params.id, body.vacancyId) });
  api.route({ method: 'post', path: '/fairs/:id/end', summary: 'End the fair (also done by the clock at its end); applicants without an answer are asked three days later how it went', tags, auth: 'staff', params: Id, status: 200, response: FairView, handler: async ({ actor, params, koa }) => (await service.endFair({ ctx, actor, meta: meta(koa) }, params.id))! });
  api.route({ method: 'post', path: '/fairs/:id/report', summary: 'ended → reported: the outcome as it stands is kept with the fair', tags, auth: 'staff', params: Id, status: 200, response: FairOutcome, handler: ({ actor, params, koa }) => service.reportFair({ ctx, actor, meta: meta(koa) }, params.id) });
  api.route({ method: 'post', path: '/fairs/:id/cancel', summary: 'Call off a draft or announced fair; everyone signed up or waiting is told', tags, auth: 'staff', params: Id, status: 200, response: FairView, handler: ({ actor, params, koa }) => service.cancelFair({ ctx, actor, meta: meta(koa) }, params.id) });

  api.route({ method: 'post', path: '/fairs/:id/signups', summary: 'Sign a person up: a place while any are left, otherwise the waiting list (with the position)', tags, auth: 'staff', params: Id, body: SignupInput, response: SignupView, handler: ({ actor, params, body, koa }) => service.signUp(ctx, actor, params.id, body.workerId, 'station', meta(koa)) });
  api.route({ method: 'get', path: '/fairs/:id/signups', summary: 'Sign-ups of your region’s people, in the order they came', tags, auth: 'staff', params: Id, query: SignupListQuery, response: SignupList, handler: ({ actor, params, query }) => service.listSignups(ctx, actor, params.id, query) });
  api.route({ method: 'delete', path: '/fairs/:id/signups/:workerId', summary: 'Cancel a sign-up; a freed place goes to the first on the waiting list, who is told', tags, auth: 'staff', params: z.object({ id: z.uuid(), workerId: z.uuid() }), status: 200, response: SignupCancelled, handler: ({ actor, params, koa }) => service.cancelSignup(ctx, actor, params.id, params.workerId, meta(koa)) });
  api.route({ method: 'get', path: '/fairs/:id/people', summary: 'Check-in desk: find registered people of your region by name or the last four characters of the ID number', tags, auth: 'staff', params: Id, query: PeopleQuery, response: FairPeople, handler: ({ actor, params, query }) => service.findPeople(ctx, actor, params.id, query.q) });
  api.route({ method: 'post', path: '/fairs/:id/checkins', summary: 'Check a person in at the desk (someone who just came is signed up on the spot while places are left)', tags, auth: 'staff', params: Id, body: CheckinInput, status: 200, response: SignupView, handler: ({ actor, params, body, koa }) => service.checkIn({ ctx, actor, meta: meta(koa) }, params.id, body.workerId, 'desk') });
  api.route({ method: 'post', path: '/fairs/:id/walk-ins', summary: 'Register someone not yet in the register (its rules apply) and check them in', tags, auth: 'staff', params: Id, body: WalkIn, response: WalkInView, handler: ({ actor, params, body, koa }) => service.walkIn(ctx, actor, params.id, body, meta(koa)) });
  for (const format of ['png', 'svg'] as const) {
    api.route({
      method: 'get',
      path: `/fairs/:id/qr.${format}`,
      summary: `The fair's check-in QR code as ${format.toUpperCase()}, to print at the entrance`,
      tags,
      auth: 'staff',
      params: Id,
      binary: { contentType: format === 'png' ? 'image/png' : 'image/svg+xml', description: 'QR code of the check-in URL' },
      handler: async ({ actor, params, koa }) => {
        koa.type = format === 'png' ? 'image/png' : 'image/svg+xml';
        koa.body = await service.qrCode(ctx, actor, params.id, format);
        return undefined;
      },
    });
  }
  api.route({
    method: 'get',
    path: '/fairs/:id/outcome',
    summary: 'What came of the fair, per fair and per employer: signed up, checked in, applications, interviews, hires (JSON, or XLSX with format=xlsx)',
    tags,
    auth: 'staff',
    params: Id,
    query: OutcomeQuery,
    response: FairOutcome,
    handler: async ({ actor, params, query, koa }) => {
      const o = await service.outcome(ctx, actor, params.id);
      if (query.format === 'json') return o;
      koa.type = XLSX;
      koa.attachment(`fair-${params.id}-outcome.xlsx`);
      koa.body = await outcomeXlsx(koa.state.t, o);
      return undefined;
    },
  });
}

async function outcomeXlsx(t: ReturnType<typeof translator>, o: Awaited<ReturnType<typeof service.outcome>>): Promise<Buffer> {
  const wb = new (excel().Workbook)();
  const ws = wb.addWorksheet(t('market:fair_outcome.sheet'));
  ws.addRow([o.fair.title]);
  ws.addRow([t('market:fair_outcome.signed_up'), o.totals.signedUp, t('market:fair_outcome.waiting'), o.totals.waiting, t('market:fair_outcome.checked_in'), o.totals.checkedIn]);
  ws.addRow([]);
  ws.addRow(['employer', 'vacancies', 'applications', 'interviews', 'hires'].map((k) => t(`market:fair_outcome.${k}`)));
  for (const e of o.employers) ws.addRow([e.employer, e.vacancies, e.applications, e.interviews, e.hires]);
  ws.addRow([t('market:fair_outcome.total'), o.employers.reduce((n, e) => n + e.vacancies, 0), o.totals.applications, o.totals.interviews, o.totals.hires]);
  ws.getColumn(1).width = 30;
  return Buffer.from(await wb.xlsx.writeBuffer());
}

function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/**
 * The page a fair's QR code opens (in WeChat's browser, without signing in): which fair, and how to
 * check in by sending the code to the bot. Chinese first, English under it.
 */
export function checkinPage(ctx: AppContext): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/checkin/:code', async (koa) => {
    const f = await service.fairByCode(ctx.db, String(koa.params.code ?? ''));
    const zh = translator('zh-CN');
    const en = translator('en');
    const body = (t: typeof zh) =>
      f
        ? `<h1>${escapeHtml(f.title)}</h1><p>${escapeHtml(t('market:checkin_page.when', { time: beijingTime(f.startsAt) }))}</p><p>${escapeHtml(t('market:checkin_page.how', { bot: ctx.config.bot.name, code: f.checkinCode }))}</p><p class="code">签到 ${escapeHtml(f.checkinCode)}</p>`
        : `<h1>${escapeHtml(t('market:checkin_page.unknown'))}</h1>`;
    koa.status = f ? 200 : 404;
    koa.type = 'text/html; charset=utf-8';
    koa.body = `<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(f?.title ?? '签到')}</title><style>body{font-family:sans-serif;font-size:20px;line-height:1.6;margin:1.5em;max-width:40em}.code{font-size:32px;font-weight:bold;letter-spacing:.1em}hr{margin:2em 0}</style></head><body>${body(zh)}<hr><div lang="en">${body(en)}</div></body></html>`;
  });
  return router;
}
