/**
 * Reads chat input the way a patient clerk would: full-width letters, digits and spaces become
 * half-width, surrounding punctuation and spaces go, case is folded.
 */
export function normalizeInput(text: string): string {
  return text
    .replaceAll('\u0000', '')
    .replace(/[\uFF01-\uFF5E]/g, (ch) => String.fromCharCode(ch.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .replace(/\s+/g, ' ')
    .replace(/^[\s.,!?;:。，！？；：、~～]+|[\s.,!?;:。，！？；：、~～]+$/g, '')
    .toLowerCase();
}
