import { z } from 'zod';
import type { AppContext } from '../context';
import type { Api } from '../http/api';
import { RegionCode } from '../regions/schemas';
import { CATEGORY } from '../registry/vocab';
import * as service from './service';

const Month = z.string().regex(/^20\d{2}-(0[1-9]|1[0-2])$/, 'errors:detail.monitoring.month').meta({ example: '2026-10' });

export function monitoringRoutes(api: Api, ctx: AppContext): void {
  const tags = ['monitoring'];
  api.route({
    method: 'get',
    path: '/monitoring/figures',
    summary: '务工规模与务工收入: a month’s figures for a region and the regions one level below, per category, with 同比 and 环比 (closed months from their snapshot)',
    tags,
    auth: 'staff',
    query: z.object({ regionCode: RegionCode.optional(), month: Month.optional(), category: z.enum(CATEGORY).optional() }).strict(),
    response: z.record(z.string(), z.unknown()),
    handler: ({ actor, query }) => service.figures(ctx, actor, query),
  });
  api.route({
    method: 'get',
    path: '/monitoring/trend',
    summary: 'Employment scale and income of a region month by month (13 months by default), oldest first',
    tags,
    auth: 'staff',
    query: z.object({ regionCode: RegionCode.optional(), month: Month.optional(), months: z.coerce.number().int().min(2).max(36).default(13) }).strict(),
    response: z.record(z.string(), z.unknown()),
    handler: ({ actor, query }) => service.trend(ctx, actor, query),
  });
}
