import { z } from 'zod';
import type { AppContext } from '../context';
import type { Api } from '../http/api';
import { RegionFound, RegionSearchQuery, MapSettingsView, RegionCentreView, RegionChildrenQuery, RegionFlagsPatch, RegionParams, RegionView } from './schemas';
import type { PointsUnder } from './places';
import * as service from './service';

/** `pointsUnder`: the points recorded in a region, given by the modules that keep them (regions keep none). */
export function regionRoutes(api: Api, ctx: AppContext, pointsUnder: PointsUnder): void {
  api.route({
    method: 'get',
    path: '/regions',
    summary: "Children of a region in the caller's subtree (without `parent`: the caller's own region)",
    tags: ['regions'],
    auth: 'staff',
    query: RegionChildrenQuery,
    response: z.object({ items: z.array(RegionView) }),
    handler: async ({ actor, query }) => ({ items: await service.listRegions(ctx, actor, query.parent) }),
  });
  api.route({
    method: 'get',
    path: '/regions/search',
    summary: "Villages (or townships, level=4) of the caller's area whose name holds `q`, with their township and county; at most 20",
    tags: ['regions'],
    auth: 'staff',
    query: RegionSearchQuery,
    response: z.object({ items: z.array(RegionFound) }),
    handler: async ({ actor, query }) => ({ items: await service.searchRegions(ctx, actor, query.q, query.level) }),
  });
  api.route({
    method: 'get',
    path: '/regions/:code',
    summary: 'One region with its flags',
    tags: ['regions'],
    auth: 'staff',
    params: RegionParams,
    response: RegionView,
    handler: async ({ actor, params }) => service.getRegion(ctx, actor, params.code),
  });
  api.route({
    method: 'get',
    path: '/regions/:code/centre',
    summary: "A region's centre on the map, the median of the points recorded in it (posts, employers, trainings, homes); null when none is",
    tags: ['regions'],
    auth: 'staff',
    params: RegionParams,
    response: RegionCentreView,
    handler: async ({ actor, params }) => service.centreOf(ctx, actor, params.code, pointsUnder),
  });
  api.route({
    method: 'get',
    path: '/map',
    summary: "The console map's settings: the deployment's tiles (none: a plain background), the circle around home in km, China's extent",
    tags: ['regions'],
    auth: 'staff',
    response: MapSettingsView,
    handler: async () => service.mapSettings(ctx),
  });
  api.route({
    method: 'patch',
    path: '/regions/:code',
    summary: 'Set the policy flags of a region: 乡村振兴重点帮扶县, 易地搬迁安置区, 黄河滩区迁建区',
    tags: ['regions'],
    auth: 'staff',
    params: RegionParams,
    body: RegionFlagsPatch,
    response: RegionView,
    handler: async ({ actor, params, body, koa }) => service.setFlags({ ctx, actor, meta: { requestId: koa.state.requestId, ip: koa.ip } }, params.code, body),
  });
}
