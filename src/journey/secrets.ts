/**
 * Secret redaction: every place a `${secret:NAME}` value could surface (console, reports,
 * HTML, error messages, traces) goes through one Redactor built from the journey's secrets.
 *
 * Forms replaced, for each secret value: as written, `encodeURIComponent`, form-urlencoded
 * (space as `+`, `!'()~` escaped too), JSON-string-escaped, and base64 / base64url (with
 * and without padding).
 *
 * Known limit: base64 is only recognised when it encodes the secret on its own. A value
 * encoded together with other text, such as `Basic base64(user:secret)`, produces a
 * different base64 string that cannot be found without knowing the whole plaintext; put
 * the whole `user:password` pair in the secret, or keep such headers out of reports.
 * Secrets of a single character are redacted too (they are likely mistakes, and would
 * blank out much of any text): the loader could warn about them.
 */
import type { Redactor } from '../steps/types.js';

export const REDACTED = '***';

/** Builds a Redactor for these secret values. Empty strings are ignored. */
export function createRedactor(values: Iterable<string>): Redactor {
  const forms = new Set<string>();
  for (const value of values) {
    if (value === '') continue;
    for (const form of encodedForms(value)) if (form !== '') forms.add(form);
  }
  if (forms.size === 0) return NO_SECRETS;

  // Longest first, so a secret that contains another secret is replaced whole and
  // the alternation never stops at a shorter prefix.
  const sorted = [...forms].sort((a, b) => b.length - a.length);
  const alternation = sorted.map(escapeRegExp).join('|');
  const replaceAll = new RegExp(alternation, 'g');
  const probe = new RegExp(alternation);

  const redact = (text: string): string => redactCutTail(text.replace(replaceAll, REDACTED), sorted);
  return {
    redact,
    redactDeep: <T>(value: T): T => deepRedact(value, redact) as T,
    holdsSecret: (text: string): boolean => probe.test(text),
  };
}

const NO_SECRETS: Redactor = {
  redact: (text) => text,
  // Nothing to hide: no copy either (reports of secret-free runs stay cheap).
  redactDeep: <T>(value: T): T => value,
  holdsSecret: () => false,
};

/** How excerpts end when they were cut (`truncate` in steps/http/assertions.ts and others). */
const CUT_MARK = '…';
/** Shorter fragments at a cut say little, and hiding them would blank innocent text. */
const MIN_CUT_FRAGMENT = 3;

/**
 * Hazard: an excerpt cut before redaction can end inside a secret (`…token=pp7K…`); the
 * whole secret no longer matches, and its first characters would be shown. For text that
 * ends with the cut mark, a tail that is the start of any secret form is replaced too.
 */
function redactCutTail(text: string, forms: readonly string[]): string {
  if (!text.endsWith(CUT_MARK)) return text;
  const head = text.slice(0, -CUT_MARK.length);
  let cut = 0;
  for (const form of forms) {
    for (let k = Math.min(form.length - 1, head.length); k >= MIN_CUT_FRAGMENT && k > cut; k--) {
      if (head.endsWith(form.slice(0, k))) {
        cut = k;
        break;
      }
    }
  }
  return cut === 0 ? text : `${head.slice(0, head.length - cut)}${REDACTED}${CUT_MARK}`;
}

function encodedForms(value: string): string[] {
  const uri = encodeURIComponent(value);
  const bytes = new TextEncoder().encode(value);
  const base64 = bytesToBase64(bytes);
  const base64url = base64.replace(/\+/g, '-').replace(/\//g, '_');
  return [
    value,
    uri,
    uri.replace(/%20/g, '+'),
    new URLSearchParams({ v: value }).toString().slice(2),
    JSON.stringify(value).slice(1, -1),
    base64,
    base64.replace(/=+$/, ''),
    base64url,
    base64url.replace(/=+$/, ''),
  ];
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

/** Copies JSON-like values (arrays, plain objects; keys too); other values are kept as they are. */
function deepRedact(value: unknown, redact: (text: string) => string): unknown {
  const seen = new Map<object, unknown>();
  const copy = (input: unknown): unknown => {
    if (typeof input === 'string') return redact(input);
    if (typeof input !== 'object' || input === null) return input;
    // A cycle is not JSON-like, but must not hang a reporter: reuse the copy.
    const known = seen.get(input);
    if (known !== undefined) return known;
    if (Array.isArray(input)) {
      const out: unknown[] = [];
      seen.set(input, out);
      for (const item of input) out.push(copy(item));
      return out;
    }
    const proto = Object.getPrototypeOf(input) as unknown;
    if (proto !== Object.prototype && proto !== null) return input;
    const out: Record<string, unknown> = {};
    seen.set(input, out);
    for (const [key, inner] of Object.entries(input)) out[redact(key)] = copy(inner);
    return out;
  };
  return copy(value);
}
