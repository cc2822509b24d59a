import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Histogram } from 'prom-client';
import type { AppContext } from '../../src/context';
import type { Database } from '../../src/db/client';
import { deploymentMetrics } from '../../src/metrics/deployment';
import { Metrics } from '../../src/metrics/registry';
import type { RedisHandle } from '../../src/redis';
import { ROOT } from '../helpers/spawn';
import { importsUnderWay } from '../../src/imports';
import { deliveriesByOutcomeSince, sendingAccountsByStatus } from '../../src/outreach';

const FIGURES = { deliveriesSince: deliveriesByOutcomeSince, accountsByStatus: sendingAccountsByStatus, importsUnderWay };

const FILES = ['deploy/grafana/bangfu-dashboard.json', 'deploy/prometheus/alerts.yml', 'deploy/prometheus/alerts.test.yml'];

/** Every metric name the service can expose, histograms with their three series. Building them reads nothing. */
function exposed(): Set<string> {
  const database = { pool: () => ({ max: 1, total: 0, idle: 0, waiting: 0 }) } as unknown as Database;
  const metrics = new Metrics('api', { database, redis: {} as RedisHandle });
  deploymentMetrics(metrics, {} as AppContext, FIGURES);
  const names = new Set<string>();
  for (const m of metrics.registry.getMetricsAsArray()) {
    names.add(m.name);
    if (m instanceof Histogram) for (const s of ['_bucket', '_count', '_sum']) names.add(m.name + s);
  }
  return names;
}

describe('the dashboard and alert rules in deploy/', () => {
  const names = exposed();

  it.each(FILES)('%s names only metrics the service exposes', (file) => {
    const text = readFileSync(join(ROOT, file), 'utf8');
    const used = [...new Set([...text.matchAll(/\b(?:bangfu|process|nodejs)_[a-z0-9_]+/g)].map((m) => m[0]))];
    expect(used.length).toBeGreaterThan(0);
    expect(used.filter((n) => !names.has(n))).toEqual([]);
  });

  it('has an alert for each thing operators asked to be woken for', () => {
    const rules = readFileSync(join(ROOT, 'deploy/prometheus/alerts.yml'), 'utf8');
    const alerts = [...rules.matchAll(/- alert: (\w+)/g)].map((m) => m[1]);
    expect(alerts).toEqual(expect.arrayContaining(['BangfuQueueBacklogGrowing', 'BangfuDeliveriesFailing', 'BangfuNoWeChatAccountOnline', 'BangfuDatabaseDown', 'BangfuRedisDown', 'BangfuBackupLate']));
  });

  it('the dashboard parses, its panel ids are unique and every panel reads the Prometheus chosen at import', () => {
    const dash = JSON.parse(readFileSync(join(ROOT, 'deploy/grafana/bangfu-dashboard.json'), 'utf8')) as { uid: string; panels: Array<{ id: number; datasource?: { uid: string } }> };
    expect(dash.uid).toBe('bangfu-overview');
    const ids = dash.panels.map((p) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(dash.panels.filter((p) => p.datasource).every((p) => p.datasource!.uid === '${datasource}')).toBe(true);
  });
});
