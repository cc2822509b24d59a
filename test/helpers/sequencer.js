// @ts-check
const Sequencer = require('@jest/test-sequencer').default;
const { basename } = require('node:path');

/**
 * Long files first, so that neither worker is left alone with a long file at the end of the run. Jest orders
 * by the durations it recorded in its cache and, without them (a fresh clone, as in CI), by file size;
 * a small file that drives processes or waits on faults would then run last. These are the seconds each
 * took on an idle two-core machine, roughly (they only order the run; nothing is judged by them).
 */
const SECONDS = {
  'console.test.ts': 110,
  'chaos-push.test.ts': 80,
  'backup-restore.test.ts': 90,
  'embedded-owner.test.ts': 80,
  'console-places.test.ts': 70,
  'console-regions.test.ts': 70,
  'console-care.test.ts': 65,
  'pglite.test.ts': 60,
  'import-limits.test.ts': 60,
  'broadcast-crash.test.ts': 55,
  'metrics.test.ts': 55,
  'multi-process.test.ts': 55,
  'fairs.test.ts': 50,
  'compose-path.test.ts': 35,
  'process.test.ts': 35,
  'pool.test.ts': 30,
  'client.test.ts': 30,
  'redis-cluster.test.ts': 30,
  'monitoring.test.ts': 30,
  'market.test.ts': 30,
  'audit-chain.test.ts': 30,
};

class LongestFirst extends Sequencer {
  sort(tests) {
    const estimate = (t) => this.time(t) ?? (SECONDS[basename(t.path)] ?? 0) * 1000;
    const size = (t) => t.context.hasteFS.getSize(t.path) ?? 0;
    return [...tests].sort((a, b) => {
      const failed = Number(this.hasFailed(b)) - Number(this.hasFailed(a));
      if (failed) return failed;
      return estimate(b) - estimate(a) || size(b) - size(a);
    });
  }
}

module.exports = LongestFirst;
