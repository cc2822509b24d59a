/** The regions module's front door: what other modules, the jobs, the bots and the server may use; nothing else of it is imported from outside. */
export { markKeyAssistanceCounties } from './flags';
export { loadRegions } from './load';
export { regionNameSql, villageNameSql } from './name-sql';
export { childrenOf, flaggedAmong, inRelocationSite, knownCodes, nameOf, namesOf, regionsOfDigits, relocationSitesSql, relocationSitesUnder, withChildren } from './lookups';
export { checkPoint, type PointsUnder, tileOrigin } from './places';
export { findRegion, levelsOf, regionsAtLevels, regionsUnder } from './queries';
export { regionRoutes } from './routes';
export { RegionCode } from './schemas';
