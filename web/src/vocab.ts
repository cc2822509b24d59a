/** The register's words as the API spells them; their names for people are in locales/ (console.json). */
export const CAPACITIES = ['full', 'partial', 'weak', 'none'];
export const CATEGORIES = ['lifted', 'monitored', 'low_income'];
