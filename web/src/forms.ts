import type { FormInstance } from 'antd';
import type { ApiError } from './api';

/**
 * Puts each field's reason, as the API words it, beside that field of the form; `rename` maps an API field
 * to the form's own name (a price in yuan where the API takes fen). Returns the message for the whole form.
 */
export function showFieldErrors(form: FormInstance, e: unknown, rename: Record<string, string> = {}): string {
  const err = e as ApiError;
  const fields = (err.details ?? [])
    .filter((d) => d.path?.startsWith('body.'))
    .map((d) => {
      // A post's kind-specific facts (body.details.contractMonths) have their own fields in the form.
      const [first, second] = d.path!.slice(5).split('.');
      const name = first === 'details' && second ? second : first!;
      return { name: rename[name] ?? name, errors: [d.message] };
    });
  form.setFields(fields);
  return err.message;
}

/** Takes away the reasons a previous answer put beside the fields, before the form is sent again. */
export function clearFieldErrors(form: FormInstance): void {
  form.setFields(form.getFieldsError().filter((f) => f.errors.length > 0).map((f) => ({ name: f.name, errors: [] })));
}

/** Yuan typed by a person, in fen for the API (null stays null). */
export function fen(yuan: number | null | undefined): number | null {
  return yuan === null || yuan === undefined ? null : Math.round(yuan * 100);
}

/** Fen from the API, in yuan as people read money. */
export function yuan(fenValue: number | null | undefined): string {
  return fenValue === null || fenValue === undefined ? '—' : (fenValue / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}
