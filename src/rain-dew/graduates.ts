import { and, eq, inArray, like } from 'drizzle-orm';
import { rainDewFiles } from '../db/schema/rain-dew';
import type { GraduateSource } from '../market';
import { matchableSubquery } from '../registry';

/**
 * The market's candidates for a post put first the Rain Dew graduates still without work whose major fits it (seed
 * 001 §2.5): those whose file under the county is graduated or seeking, among the register's matchable people under
 * the caller's region, with their majors, in one statement.
 */
export const seekingGraduates: GraduateSource = (db, { county, scope, limit }) => {
  const m = matchableSubquery(db, scope);
  return db
    .select({ id: m.id, name: m.name, homeLat: m.homeLat, homeLng: m.homeLng, skills: m.skills, laborCapacity: m.laborCapacity, payFloorFen: m.payFloorFen, intention: m.intention, regionCode: m.regionCode, employed: m.employed, major: rainDewFiles.major })
    .from(rainDewFiles)
    .innerJoin(m, eq(m.id, rainDewFiles.workerId))
    .where(and(inArray(rainDewFiles.status, ['graduated', 'seeking']), like(rainDewFiles.regionCode, `${county}%`)))
    .limit(limit);
};
