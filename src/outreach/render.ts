/**
 * How a message a member of staff writes becomes what each person reads, on each channel. The sending
 * path and the preview both use these functions, so the preview is what is sent.
 */

/** Variables filled from each recipient's own record; any other variable needs a value given with the message. */
export const RECIPIENT_VARIABLES = ['name', 'village'] as const;
export type RecipientVariable = (typeof RECIPIENT_VARIABLES)[number];
export type RecipientValues = Partial<Record<RecipientVariable, string | null>>;

const PLACEHOLDER = /\{\{\s*(\w+)\s*\}\}/g;

/** The variables a text uses, each once, in order of first use. */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(PLACEHOLDER)].map((m) => m[1]!))];
}

/**
 * The text for one person: their own value of a recipient variable, else the value given with the
 * message (a default), else nothing. A broadcast is only accepted when nothing is left without a value.
 */
export function renderText(template: string, given: Record<string, string | number>, recipient: RecipientValues = {}): string {
  return template.replace(PLACEHOLDER, (_, k: string) => {
    const own = Object.hasOwn(recipient, k) ? recipient[k as RecipientVariable] : undefined;
    return String(own !== null && own !== undefined && own !== '' ? own : Object.hasOwn(given, k) ? (given[k] ?? '') : '');
  });
}

/** The message in the person's language when written in it, else in Chinese. */
export function textFor(message: Record<string, string>, language: string | null | undefined): string {
  return (language ? message[language] : undefined) ?? message['zh-CN'] ?? '';
}

/** The gist of a message for a template's parameter: one line, at most `max` characters. */
export function gist(text: string, max: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  const chars = [...flat];
  return chars.length <= max ? flat : `${chars.slice(0, max - 1).join('')}…`;
}

/** A subscription card's one line (the mini-program's thing1): the first 20 characters as they are. */
export function cardLine(text: string): string {
  return [...text].slice(0, 20).join('');
}

/** What the SMS template is given: the gist ({1}) and where to ask ({2}). */
export function smsParams(text: string, sms: { paramMax: number; contact: string }): [string, string] {
  return [gist(text, sms.paramMax), sms.contact];
}

/**
 * The text message as the phone shows it: 【signature】 and the approved template with its two
 * parameters; without the template's wording (SMS_TEMPLATE_TEXT) the parameters are shown as they go out.
 */
export function smsText(text: string, sms: { paramMax: number; contact: string; signName: string }, templateText: string | undefined): string {
  const [one, two] = smsParams(text, sms);
  const body = templateText ? templateText.replace('{1}', one).replace('{2}', two) : [one, two].filter(Boolean).join(' ');
  return `【${sms.signName}】${body}`;
}

/** Billed pieces of a text message in China: 70 characters fit in one, longer ones go in pieces of 67. */
export function smsPieces(fullText: string): number {
  const n = [...fullText].length;
  return n <= 70 ? 1 : Math.ceil(n / 67);
}
