import { ConfigError, loadConfig } from '../src/config';
import { openDatabase } from '../src/db/client';
import { verifyAuditChain, type VerifyOptions } from '../src/audit/verify';

/**
 * `npm run audit:verify [-- --expect <no.>:<hash>]`: walks the audit log's hash chain through
 * DATABASE_URL (or the embedded database) and says whether it is whole. Exits 0 when it is, 1 at the
 * first entry that was changed or is missing, 2 when it could not look. The last line is JSON.
 * --expect checks that an entry noted from an earlier run (its no. and hash) is still there unchanged.
 */
function parseArgs(argv: string[]): VerifyOptions {
  const i = argv.indexOf('--expect');
  if (i < 0) return {};
  const m = /^(\d+):([0-9a-f]{64})$/.exec(argv[i + 1] ?? '');
  if (!m) throw new ConfigError(['--expect: expected <no.>:<hash>, as printed in "last" by an earlier run']);
  return { expect: { seq: Number(m[1]), hash: m[2]! } };
}

async function main(): Promise<number> {
  const opts = parseArgs(process.argv.slice(2));
  const config = loadConfig();
  const database = await openDatabase({ url: config.databaseUrl, dataDir: config.dataDir, what: 'audit:verify' });
  try {
    const report = await verifyAuditChain(database.db, opts);
    if (report.ok) {
      process.stdout.write(`审计日志完好，共 ${report.entries} 条 / audit log OK: ${report.entries} entries, chain whole\n`);
    } else {
      process.stdout.write(`审计日志已被改动 / audit log FAILED: ${report.problem!.message}\n`);
    }
    process.stdout.write(`${JSON.stringify(report)}\n`);
    return report.ok ? 0 : 1;
  } finally {
    await database.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    // A configuration or connection problem is said in its own words; a stack trace would bury it.
    const message = err instanceof Error ? err.message : String(err);
    process.stderr.write(`${message}\n`);
    process.stdout.write(`${JSON.stringify({ ok: false, error: message.split('\n')[0] })}\n`);
    process.exit(2);
  },
);
