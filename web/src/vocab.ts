import type { components } from '../../clients/api';

/** The register's words as the API spells them; their names for people are in locales/ (console.json). */
export const CAPACITIES = ['full', 'partial', 'weak', 'none'] as const;
export const CATEGORIES = ['lifted', 'monitored', 'low_income'] as const;
export type Capacity = (typeof CAPACITIES)[number];
export type Category = (typeof CATEGORIES)[number];

/** Bodies and answers as the OpenAPI document describes them (request fields with a default may be left out). */
export type Body<Name extends keyof components['schemas']> = components['schemas'][Name];
