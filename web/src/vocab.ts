import type { components } from '../../clients/api';

/** The register's words as the API spells them; their names for people are in locales/ (console.json). */
export const CAPACITIES = ['full', 'partial', 'weak', 'none'] as const;
export const CATEGORIES = ['lifted', 'monitored', 'low_income', 'at_risk'] as const;
/** What a new record may take: the monitored are registered under their 2026 name 防止返贫致贫对象; `monitored` stays on old records. */
export const NEW_CATEGORIES = ['lifted', 'at_risk', 'low_income'] as const;
export const MONITORING_TYPES = ['unstable', 'marginal', 'sudden_hardship', 'other_at_risk'] as const;
export type Capacity = (typeof CAPACITIES)[number];
export type Category = (typeof CATEGORIES)[number];
export type MonitoringType = (typeof MONITORING_TYPES)[number];
export const isMonitored = (c: string | undefined): boolean => c === 'monitored' || c === 'at_risk';

/** Bodies and answers as the OpenAPI document describes them (request fields with a default may be left out). */
export type Body<Name extends keyof components['schemas']> = components['schemas'][Name];
