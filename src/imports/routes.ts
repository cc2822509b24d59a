import { z } from 'zod';
import type { AppContext } from '../context';
import type { Api } from '../http/api';
import { readUpload } from '../http/upload';
import { RegionCode } from '../regions';
import * as service from './service';

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

const Counts = z.object({ created: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), rejected: z.number().int() });
const RejectedRow = z.object({
  row: z.number().int().meta({ description: 'Row number as seen in the spreadsheet' }),
  column: z.string().nullable().meta({ description: 'Column header as written in the file' }),
  reason: z.string(),
});
export const ImportReport = z.object({ counts: Counts, rows: z.array(RejectedRow) }).meta({ id: 'ImportReport' });
export const ImportView = z
  .object({
    id: z.uuid(),
    status: z.enum(['queued', 'running', 'done', 'failed']),
    fileName: z.string(),
    regionCode: z.string(),
    progress: z.object({ processed: z.number().int(), total: z.number().int(), percent: z.number().int() }),
    counts: Counts,
    rows: z.array(RejectedRow),
    error: z.string().nullable(),
    createdAt: z.string(),
    startedAt: z.string().nullable(),
    finishedAt: z.string().nullable(),
  })
  .meta({ id: 'Import' });

const ImportQuery = z
  .object({
    dryRun: z.enum(['true', 'false']).optional().transform((v) => v === 'true'),
    regionCode: RegionCode.optional().meta({ description: "Region of people without a 行政区划代码 column (default: the caller's region)" }),
    format: z.enum(['json', 'xlsx']).default('json').meta({ description: 'Dry run only: `xlsx` answers with the report as a spreadsheet' }),
  })
  .strict();

export function importRoutes(api: Api, ctx: AppContext): void {
  const tags = ['imports'];
  api.route({
    method: 'post',
    path: '/imports',
    summary: 'Import 农村贫困劳动力就业信息表 (CSV or XLSX). `dryRun=true` reports what would happen and writes nothing; otherwise 202 with the import id',
    tags,
    auth: 'staff',
    query: ImportQuery,
    upload: { field: 'file', description: 'The spreadsheet (.xlsx or .csv, UTF-8 or GB18030)' },
    status: 202,
    response: z.object({ id: z.uuid(), totalRows: z.number().int() }),
    responseDescription: 'The import has started; follow it at Location',
    alsoResponds: { 200: { description: 'The dry run: what would happen to each row (JSON, or XLSX with format=xlsx); nothing is written', response: ImportReport, binary: XLSX } },
    handler: async ({ actor, query, koa }) => {
      const file = await readUpload(koa, 'file', ctx.config.http.uploadLimitMb * 1024 * 1024);
      if (query.dryRun) {
        const outcome = await service.dryRun(ctx, actor, file, query.regionCode);
        koa.status = 200;
        if (query.format === 'xlsx') {
          koa.type = XLSX;
          koa.attachment('import-report.xlsx');
          koa.body = await service.reportXlsx(koa.state.t, outcome.rows, outcome.counts);
          return undefined;
        }
        koa.body = { counts: outcome.counts, rows: service.presentRows(koa.state.t, outcome.rows) };
        return undefined;
      }
      const started = await service.startImport({ ctx, actor, meta: { requestId: koa.state.requestId, ip: koa.ip } }, file, query.regionCode);
      koa.status = 202;
      koa.set('Location', `/api/v1/imports/${started.id}`);
      koa.body = started;
      return undefined;
    },
  });
  api.route({
    method: 'get',
    path: '/imports/:id',
    summary: 'Status, progress, counts and rejected rows of an import',
    tags,
    auth: 'staff',
    params: z.object({ id: z.uuid() }),
    response: ImportView,
    handler: async ({ actor, params, koa }) => {
      const { imp, rows } = await service.getImport(ctx, actor, params.id);
      return service.presentImport(koa.state.t, imp, rows);
    },
  });
  api.route({
    method: 'get',
    path: '/imports/:id/report',
    summary: 'The rejected rows of an import as XLSX',
    tags,
    auth: 'staff',
    params: z.object({ id: z.uuid() }),
    binary: { contentType: XLSX, description: 'Spreadsheet with row, column and reason of every rejected row' },
    handler: async ({ actor, params, koa }) => {
      const { imp, rows } = await service.getImport(ctx, actor, params.id);
      koa.type = XLSX;
      koa.attachment(`import-${imp.id}-report.xlsx`);
      koa.body = await service.reportXlsx(koa.state.t, rows, { created: imp.created, updated: imp.updated, unchanged: imp.unchanged, rejected: imp.rejected });
      return undefined;
    },
  });
}
