import { randomBytes } from 'node:crypto';
import { hashPassword } from '../../src/access/password';
import type { StaffRole } from '../../src/shared/actor';
import type { Db } from '../../src/db/client';
import { accounts, regions, stations } from '../../src/db/schema';
import { TEST_HASH_COST } from './test-env';

/** A small region tree: Yunnan → Honghe → two counties, each with a township and a village. */
export const REGIONS = {
  province: { code: '53', name: '云南省', level: 1, parentCode: null },
  prefecture: { code: '5325', name: '红河哈尼族彝族自治州', level: 2, parentCode: '53' },
  countyA: { code: '532528', name: '元阳县', level: 3, parentCode: '5325' },
  countyB: { code: '532529', name: '红河县', level: 3, parentCode: '5325' },
  townA: { code: '532528101', name: '南沙镇', level: 4, parentCode: '532528' },
  townB: { code: '532529101', name: '迤萨镇', level: 4, parentCode: '532529' },
  villageA: { code: '532528101201', name: '南沙村委会', level: 5, parentCode: '532528101' },
  villageB: { code: '532529101201', name: '迤萨村委会', level: 5, parentCode: '532529101' },
} as const;

export async function seedRegions(db: Db): Promise<void> {
  await db.insert(regions).values(Object.values(REGIONS).map((r) => ({ ...r }))).onConflictDoNothing();
}

export const PASSWORD = 'correct horse battery staple';
let passwordHash: Promise<string> | undefined;

export async function makeAccount(
  db: Db,
  opts: { role?: StaffRole; regionCode?: string; username?: string; stationId?: string | null } = {},
) {
  passwordHash ??= hashPassword(PASSWORD, TEST_HASH_COST);
  const [row] = await db
    .insert(accounts)
    .values({
      username: opts.username ?? `staff-${randomBytes(4).toString('hex')}`,
      passwordHash: await passwordHash,
      displayName: '测试工作人员',
      role: opts.role ?? 'station',
      regionCode: opts.regionCode ?? REGIONS.countyA.code,
      stationId: opts.stationId ?? null,
    })
    .returning();
  return row!;
}

export async function makeStation(db: Db, regionCode: string = REGIONS.countyA.code) {
  const [row] = await db.insert(stations).values({ name: '测试就业服务站', regionCode }).returning();
  return row!;
}

import { checkCharacter } from '../../src/pii/resident-id';

let idSeq = Math.floor(Math.random() * 200) * 2;
/** A valid resident ID number: issuing region, birth date, a fresh sequence, the right check character. */
export function validIdNumber(opts: { region?: string; birth?: string; sex?: 'male' | 'female' } = {}): string {
  const region = opts.region ?? '532528';
  const birth = (opts.birth ?? '1985-03-07').replaceAll('-', '');
  // Sequence numbers step by two, so each sex has its own run and no number repeats.
  idSeq = (idSeq + 2) % 1000;
  const seq = (opts.sex ?? 'male') === 'male' ? idSeq + 1 : idSeq;
  const first17 = `${region}${birth}${String(seq).padStart(3, '0')}`;
  return first17 + checkCharacter(first17);
}

let phoneSeq = 0;
export function validPhone(): string {
  phoneSeq++;
  return `139${String(10000000 + phoneSeq).padStart(8, '0')}`;
}

export function workerInput(over: Record<string, unknown> = {}) {
  return {
    name: '王小明',
    idNumber: validIdNumber(),
    phone: validPhone(),
    laborCapacity: 'full',
    category: 'lifted',
    regionCode: REGIONS.villageA.code,
    skills: ['保洁'],
    // The station form the person signed: consent to matching and messages.
    consent: true,
    ...over,
  };
}
