import { z } from 'zod';
import { pageOf } from '../http/pagination';
import { REVIEW_KINDS } from './integrity';
import { WARNING_KINDS } from './warnings';

/**
 * What the monitoring lists answer, as the OpenAPI document (and so the console's typed client) describes them:
 * a month's figures, the warnings and review items, the reports, and the zero-employment households.
 */

/** A measure's values by name (employed, registered, incomeAvgFen, …); null where there is none (no income recorded, no base to compare). */
const Measures = z.record(z.string(), z.number().nullable());

export const FiguresView = z
  .object({
    month: z.string(),
    regionCode: z.string(),
    closed: z.boolean().meta({ description: 'The month is closed: its figures come from the snapshot and no longer change' }),
    notes: z.array(z.string()),
    items: z.array(
      z.object({
        regionCode: z.string(),
        name: z.string().nullable(),
        category: z.string().meta({ description: 'lifted_total (脱贫人口 含监测对象), a category of the register, or the register as a whole' }),
        figures: Measures,
        mom: Measures.meta({ description: '环比, in percent' }),
        yoy: Measures.meta({ description: '同比, in percent' }),
      }),
    ),
  })
  .meta({ id: 'MonitoringFigures' });

export const WarningView = z
  .object({
    id: z.uuid(),
    kind: z.enum([...WARNING_KINDS, ...REVIEW_KINDS]),
    regionCode: z.string(),
    regionName: z.string().nullable(),
    workerId: z.uuid().nullable(),
    name: z.string().nullable(),
    householdId: z.uuid().nullable(),
    details: z.record(z.string(), z.unknown()).meta({ description: 'The evidence, by kind (a region’s fall is graded in `grade`: warning or watch)' }),
    status: z.enum(['open', 'acknowledged', 'closed']),
    note: z.string().nullable(),
    createdAt: z.string(),
    acknowledgedAt: z.string().nullable(),
    closedAt: z.string().nullable(),
  })
  .meta({ id: 'MonitoringWarning' });
export const WarningsView = pageOf(WarningView);

export const ReportsView = z
  .object({
    items: z.array(z.object({ id: z.uuid(), kind: z.string(), period: z.string(), regionCode: z.string(), createdAt: z.string() })),
    page: z.number().int(),
    pageSize: z.number().int(),
  })
  .meta({ id: 'MonitoringReports' });

export const ZeroEmploymentView = z
  .object({
    items: z.array(
      z.object({
        householdId: z.uuid(),
        regionCode: z.string(),
        since: z.string().meta({ description: 'The day the household’s last job ended, or the day it was registered' }),
        days: z.number().int(),
        members: z.number().int(),
        ableToWork: z.number().int(),
        names: z.array(z.string()),
        warningId: z.uuid().nullable(),
      }),
    ),
  })
  .meta({ id: 'ZeroEmploymentHouseholds' });
