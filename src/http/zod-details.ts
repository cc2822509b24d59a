import type { TFunction } from 'i18next';
import type { z } from 'zod';
import type { ErrorDetail } from '../shared/errors';

/**
 * Turns zod issues into error details with a localised message per field. Messages come from the
 * locales by issue code, so a person reading Chinese sees Chinese; `where` prefixes the path
 * (`body`, `query`, `params`) so the client knows which part of the request to fix.
 */
export function zodDetails(issues: z.core.$ZodIssue[], where: string, t: TFunction): ErrorDetail[] {
  return issues.map((issue) => {
    const path = [where, ...issue.path.map(String)].join('.');
    return { path, message: describe(issue, t), code: issue.code };
  });
}

function describe(issue: z.core.$ZodIssue, t: TFunction): string {
  // Schemas may carry their own message as a locale key, e.g. `errors:detail.region_code`.
  if (issue.message.startsWith('errors:')) return t(issue.message);
  switch (issue.code) {
    case 'invalid_type':
      return issue.input === undefined
        ? t('errors:field.required')
        : t('errors:field.invalid_type', { expected: t(`errors:type.${issue.expected}`, { defaultValue: issue.expected }) });
    case 'too_small':
      return issue.origin === 'string'
        ? t('errors:field.too_short', { min: issue.minimum })
        : issue.origin === 'array'
          ? t('errors:field.too_few', { min: issue.minimum })
          : t('errors:field.too_small', { min: issue.minimum });
    case 'too_big':
      return issue.origin === 'string'
        ? t('errors:field.too_long', { max: issue.maximum })
        : issue.origin === 'array'
          ? t('errors:field.too_many', { max: issue.maximum })
          : t('errors:field.too_big', { max: issue.maximum });
    case 'invalid_value':
      return t('errors:field.invalid_value', { allowed: issue.values.map(String).join(', ') });
    case 'invalid_format':
      return t('errors:field.invalid_format');
    case 'unrecognized_keys':
      return t('errors:field.unrecognized_keys', { keys: issue.keys.join(', ') });
    default:
      return t('errors:field.invalid');
  }
}
