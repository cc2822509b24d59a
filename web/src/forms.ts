import type { FormInstance } from 'antd';
import type { ApiError } from './api';

/**
 * Puts each field's reason, as the API words it, beside that field of the form; `rename` maps an API field
 * to the form's own name (a price in yuan where the API takes fen). Returns the message for the whole form.
 */
export function showFieldErrors(form: FormInstance, e: unknown, rename: Record<string, string> = {}): string {
  const err = e as ApiError;
  // The fields this form has: a reason for a field it lacks stays in the message for the whole form.
  const known = new Set(form.getFieldsError().map((f) => String(f.name[0])));
  const fields = new Map<string, string[]>();
  for (const d of err.details ?? []) {
    if (!d.path?.startsWith('body.')) continue;
    // A nested field (body.details.contractMonths, body.worker.phone) is the form's field of the same name.
    const parts = d.path.slice(5).split('.').map((p) => rename[p] ?? p);
    const name = parts.find((p) => known.has(p));
    if (name) fields.set(name, [...(fields.get(name) ?? []), d.message]);
  }
  form.setFields([...fields].map(([name, errors]) => ({ name, errors })));
  return err.message;
}

/** Takes away the reasons a previous answer put beside the fields, before the form is sent again. */
export function clearFieldErrors(form: FormInstance): void {
  form.setFields(form.getFieldsError().filter((f) => f.errors.length > 0).map((f) => ({ name: f.name, errors: [] })));
}

/**
 * The form's onValuesChange: once a person changes a field, the reason an answer put beside it goes. A
 * field with rules of its own is judged by them again; one without (an optional code, say) would otherwise
 * keep the old reason, emptied or corrected, until the form is sent again.
 */
export function dropReasonsOnChange(form: FormInstance): (changed: Record<string, unknown>) => void {
  return (changed) => {
    const stale = Object.keys(changed).filter((name) => form.getFieldError(name).length > 0);
    if (stale.length) form.setFields(stale.map((name) => ({ name, errors: [] })));
  };
}

/** Yuan typed by a person, in fen for the API (null stays null). */
export function fen(yuan: number | null | undefined): number | null {
  return yuan === null || yuan === undefined ? null : Math.round(yuan * 100);
}

/** Fen from the API, in yuan as people read money. */
export function yuan(fenValue: number | null | undefined): string {
  return fenValue === null || fenValue === undefined ? '—' : (fenValue / 100).toLocaleString('zh-CN', { maximumFractionDigits: 2 });
}
