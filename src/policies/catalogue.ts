import type { PolicyInput } from './schemas';

/** The assistance policies the seed documents name, each citing its source. */
export const CATALOGUE: PolicyInput[] = [];
