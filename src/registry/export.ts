import { once } from 'node:events';
import { PassThrough } from 'node:stream';
import { and, asc, eq, gt, inArray, isNull } from 'drizzle-orm';
import { excel } from '../shared/libraries';
import type { TFunction } from 'i18next';
import { inScope, type Actor } from '../shared/actor';
import { auditRead } from '../shared/command';
import type { AppContext } from '../context';
import { employmentRecords, workers } from '../db/schema/registry';
import { Forbidden, ValidationFailed } from '../shared/errors';
import { inRegion } from './queries';
import { useApproval } from './export-approvals';
import { shanghaiDate } from '../shared/time';
import { ageBand } from './age-band';
import { toWord, withBothNames } from './vocab';

type Ctx = Pick<AppContext, 'db' | 'pii' | 'clock' | 'logger'>;

export interface ExportFilter {
  regionCode?: string;
  category?: string;
  laborCapacity?: string;
  employed?: boolean;
  reveal?: boolean;
  purpose?: string;
  /** The approval of an unmasked export (see export-approvals.ts). */
  approval?: string;
  approvedBy?: string;
}

/**
 * 农村贫困劳动力就业信息表 (seed 003, attachment) as the form draws it: two header rows, 已就业人员就业信息 over
 * its three columns and every other heading across both rows; then the register's own additions, 未转移就业原因
 * (seed 003 Longyan §3) and 劳动年龄段 first. `null` in the top row is a column under the group to its left.
 */
const TOP = ['序号', '姓名', '性别', '证件号码', '民族', '政治面貌', '文化程度', '健康状况', '劳动能力', '联系方式', '是否已就业', '已就业人员就业信息', null, null, '未就业人员就业意向（县内/县外）', '未就业人员就业服务需求', '未转移就业原因', '劳动年龄段', '人员类别', '监测类型', '技能', '行政区划代码'];
const GROUP = { from: 12, to: 14, under: ['就业地点（X省X市X县）', '就业单位名称', '就业时间'] };
const PAGE = 2000;

/**
 * Streams the form as XLSX for a region and filter. Masked unless the caller may reveal and
 * states a purpose; either way the export is written to the audit log with its row count.
 */
export async function exportWorkers(ctx: Ctx, actor: Actor, f: ExportFilter, t: TFunction, meta: { requestId?: string; ip?: string }): Promise<PassThrough> {
  if (f.reveal) {
    if (!actor.canRevealPii) throw new Forbidden('may not reveal personal data');
    // Unmasked in bulk only with a second administrator's approval, used once; it fixes what is exported.
    if (!f.approval) throw new ValidationFailed('approval required', [{ path: 'query.approval', message: 'errors:detail.export.approval_required' }]);
    const approved = await useApproval(ctx, actor, f.approval);
    f = { ...approved.filter, regionCode: approved.regionCode, reveal: true, purpose: approved.purpose, approval: approved.id, approvedBy: approved.decidedBy ?? undefined };
  }
  const scope = f.regionCode ?? actor.regionCode;
  if (!inScope(actor, scope)) throw new Forbidden('region outside scope', [{ path: 'query.regionCode', message: 'errors:detail.region_out_of_scope' }]);
  const where = and(
    inRegion(workers.regionCode, scope),
    eq(workers.status, 'active'),
    // 监测对象 under either name (防止返贫监测对象, 防止返贫致贫对象) is one group to filter on.
    f.category ? inArray(workers.category, withBothNames([f.category]) as never[]) : undefined,
    f.laborCapacity ? eq(workers.laborCapacity, f.laborCapacity as never) : undefined,
    f.employed === undefined ? undefined : eq(workers.employed, f.employed),
  );

  const out = new PassThrough();
  // A page that fails before the response has taken the stream (a round trip still under way) must not be an
  // error nobody listens to: it is logged below and the response, once it pipes, ends cut short.
  out.on('error', () => undefined);
  const wb = new (excel().stream.xlsx.WorkbookWriter)({ stream: out, useStyles: true });
  const ws = wb.addWorksheet(t('registry:export.sheet'));
  ws.columns = TOP.map((h, i) => ({ width: h === '证件号码' ? 22 : i + 1 >= GROUP.from && i + 1 <= GROUP.to ? 18 : (h?.length ?? 0) > 4 ? 16 : 10 }));
  const title = ws.addRow([t('registry:export.title') + (f.reveal ? '' : `（${t('registry:export.masked_note')}）`)]);
  title.font = { bold: true, size: 14 };
  ws.mergeCells(1, 1, 1, TOP.length);
  title.commit();
  const top = ws.addRow(TOP);
  const under = ws.addRow(TOP.map((_, i) => (i + 1 >= GROUP.from && i + 1 <= GROUP.to ? GROUP.under[i + 1 - GROUP.from]! : null)));
  for (const row of [top, under]) {
    row.font = { bold: true };
    row.alignment = { vertical: 'middle', horizontal: 'center', wrapText: true };
  }
  ws.mergeCells(2, GROUP.from, 2, GROUP.to);
  TOP.forEach((h, i) => {
    if (h !== null && i + 1 !== GROUP.from) ws.mergeCells(2, i + 1, 3, i + 1);
  });
  top.commit();
  under.commit();
  const today = shanghaiDate(ctx.clock.now());

  // Recorded before the first row leaves, so an export cut short is on record too.
  await auditRead({ ctx, actor, meta }, {
    action: 'export.workers',
    entity: 'worker',
    regionCode: scope,
    details: { masked: !f.reveal, ...(f.purpose ? { purpose: f.purpose } : {}), ...(f.approval ? { approval: f.approval, approvedBy: f.approvedBy } : {}), filter: { category: f.category, laborCapacity: f.laborCapacity, employed: f.employed } },
  });

  void (async () => {
    let n = 0;
    let after: string | undefined;
    try {
      for (;;) {
        const page = await ctx.db
          .select()
          .from(workers)
          .where(and(where, after ? gt(workers.id, after) : undefined))
          .orderBy(asc(workers.id))
          .limit(PAGE);
        if (!page.length) break;
        // Wait while the reader is behind, so a large export never piles up in memory.
        if (out.writableNeedDrain) await once(out, 'drain');
        if (out.destroyed) return;
        after = page[page.length - 1]!.id;
        const jobs = await ctx.db
          .select()
          .from(employmentRecords)
          .where(and(inArray(employmentRecords.workerId, page.map((w) => w.id)), isNull(employmentRecords.endDate)))
          // Two open records (work on a project beside another job): the one begun last is written.
          .orderBy(asc(employmentRecords.startDate));
        const jobOf = new Map(jobs.map((j) => [j.workerId, j]));
        for (const w of page) {
          const job = jobOf.get(w.id);
          ws.addRow([
            ++n,
            w.name,
            toWord('sex', w.sex),
            f.reveal ? ctx.pii.decrypt(w.idNumberEnc) : w.idNumberMasked,
            w.ethnicity ?? '',
            w.politicalStatus ?? '',
            w.education ?? '',
            toWord('health', w.health),
            toWord('laborCapacity', w.laborCapacity),
            (f.reveal && w.phoneEnc ? ctx.pii.decrypt(w.phoneEnc) : w.phoneMasked) ?? '',
            w.employed ? '是' : '否',
            job?.place ?? '',
            job?.employerName ?? '',
            job?.startDate ?? '',
            toWord('intention', w.intention),
            w.serviceNeeds.join('、'),
            w.employed ? '' : (w.notTransferredReason ?? ''),
            t(`registry:age_band.${ageBand(w.birthDate, w.sex, today)}`),
            toWord('category', w.category),
            toWord('monitoringType', w.monitoringType),
            w.skills.join('、'),
            w.regionCode,
          ]).commit();
        }
      }
      ws.commit();
      await wb.commit();
      await auditRead({ ctx, actor, meta }, { action: 'export.workers.done', entity: 'worker', regionCode: scope, details: { rows: n, masked: !f.reveal } });
    } catch (err) {
      ctx.logger.error({ err: { type: (err as Error).name, message: (err as Error).message } }, 'export failed');
      out.destroy(err as Error);
    }
  })();
  return out;
}
