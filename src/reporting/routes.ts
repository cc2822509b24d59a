import { z } from 'zod';
import type { AppContext } from '../context';
import { requestMeta, type Api } from '../http/api';
import * as calendar from './calendar';

/** The reporting calendar (报送时限): what is due, when, by whom; marking a report sent; the deadlines' settings. */
export function reportingRoutes(api: Api, ctx: AppContext): void {
  const tags = ['reporting'];
  api.route({
    method: 'get', path: '/reporting/calendar', summary: 'The reporting calendar of your region: each deadline the seeds set (with its source), and for each region that reports it the period now due, overdue first', tags, auth: 'staff',
    query: calendar.CalendarQuery, response: calendar.CalendarView,
    handler: ({ actor, query, koa }) => calendar.calendar(ctx, actor, query, String(koa.state.locale)),
  });
  api.route({
    method: 'post', path: '/reporting/submissions', summary: 'Mark a report sent for your region (downloading its form does the same)', tags, auth: 'staff',
    body: calendar.SubmissionInput, status: 200,
    response: z.object({ key: z.string(), regionCode: z.string(), period: z.string(), via: z.string(), new: z.boolean() }),
    handler: ({ actor, body, koa }) => calendar.markSubmitted({ ctx, actor, meta: requestMeta(koa) }, body, 'marked'),
  });
  api.route({
    method: 'patch', path: '/reporting/deadlines/:key', summary: 'Change when a report is due, how many days before it reminds, or switch it off (province administrators)', tags, auth: 'staff',
    params: z.object({ key: z.string().min(1).max(60) }), body: calendar.DeadlinePatch,
    response: z.object({ key: z.string(), months: z.array(z.number()), day: z.number(), remindDays: z.number(), active: z.boolean() }),
    handler: ({ actor, params, body, koa }) => calendar.updateDeadline({ ctx, actor, meta: requestMeta(koa) }, params.key, body),
  });
}
