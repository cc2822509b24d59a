import { randomBytes } from 'node:crypto';
import { anyAccount, createAccount, createStation, hashPassword, type HashCost } from './access';
import type { Db } from './db/client';
import { findRegion, loadRegions, markKeyAssistanceCounties } from './regions';

/** 元阳县 in Honghe prefecture, Yunnan (seed 002 comes from Honghe), where the demo station sits. */
export const DEMO_COUNTY = '532528';
/**
 * Counties of Honghe flagged as key assistance counties (乡村振兴重点帮扶县) in the demo data.
 * The authoritative list is kept by the province and edited by administrators.
 */
const DEMO_KEY_COUNTIES = ['532523', '532528', '532529', '532530', '532531'];

export interface BootstrapResult {
  created: boolean;
  /** Set only when the password was generated here and must be shown once. */
  generatedPassword?: string;
}

/**
 * First start of a deployment: the regions under REGION_ROOT and the `admin` account bound to it;
 * with demo data, a station in the demo county too. Does nothing once any account exists, so a
 * restart never resets a password.
 */
export async function bootstrap(
  db: Db,
  opts: { regionRoot: string; adminPassword: string | undefined; demo: boolean; hashCost?: HashCost },
): Promise<BootstrapResult> {
  if (await anyAccount(db)) return { created: false };

  await loadRegions(db, opts.regionRoot);
  const root = await findRegion(db, opts.regionRoot);
  if (!root) throw new Error(`REGION_ROOT ${opts.regionRoot} is not a known administrative division code`);

  if (opts.demo) {
    await markKeyAssistanceCounties(db, DEMO_KEY_COUNTIES);
    const county = await findRegion(db, DEMO_COUNTY);
    if (county) await createStation(db, { name: `${county.name}就业服务站`, kind: 'service_station', regionCode: county.code });
  }

  const password = opts.adminPassword ?? randomBytes(12).toString('base64url');
  await createAccount(db, {
    username: 'admin',
    passwordHash: await hashPassword(password, opts.hashCost),
    displayName: '系统管理员',
    role: 'system',
    regionCode: root.code,
  });
  return { created: true, generatedPassword: opts.adminPassword ? undefined : password };
}
