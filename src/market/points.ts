import { sql, type SQL } from 'drizzle-orm';
import { employers, trainingSessions, vacancies } from '../db/schema/market';
import { homePointsUnder } from '../registry';

/**
 * The points recorded under a region code prefix (a `like` pattern), as one statement of rows `(lat, lng)`: the
 * market's posts, employers and trainings, and the register's homes. Regions take a region's centre from them
 * (regions sit below both and keep no points): the market checks its own posts' points with it, and `app.ts`
 * hands it to the regions' and access's routes (the centre on the map, a station's place).
 */
export function pointsUnder(prefix: string): SQL {
  return sql`select ${vacancies.lat} as lat, ${vacancies.lng} as lng from ${vacancies} where ${vacancies.regionCode} like ${prefix} and ${vacancies.lat} is not null
    union all select ${employers.lat}, ${employers.lng} from ${employers} where ${employers.regionCode} like ${prefix} and ${employers.lat} is not null
    union all select ${trainingSessions.lat}, ${trainingSessions.lng} from ${trainingSessions} where ${trainingSessions.regionCode} like ${prefix} and ${trainingSessions.lat} is not null
    union all ${homePointsUnder(prefix)}`;
}
