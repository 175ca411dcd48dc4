/**
 * Secret redaction: every place a `${secret:NAME}` value could surface (console, reports,
 * HTML, error messages, traces) goes through one Redactor built from the journey's secrets.
 *
 * The mechanism, not a list of cases: each secret becomes one pattern that accepts, at each
 * character, any encoding of that character —
 * - as written;
 * - percent-encoded UTF-8 bytes, hex digits of either case, whatever the reserved set
 *   (WHATWG URL path/query/userinfo, `encodeURI`, `encodeURIComponent`, forms), and a space
 *   as `+` (forms); Latin-1 `%E9` for characters below 256;
 * - JSON string escapes: `\"`, `\\`, `\/` (PHP), `\n`…, and `\uXXXX` of either case
 *   (surrogate pairs for characters outside the BMP), nested too (`\\\/`: JSON in a JSON string);
 * - HTML character references: decimal `&#39;` (leading zeros too: PHP's `&#039;`), hex
 *   `&#x27;` of either case, and the named ones for ASCII punctuation (`&amp;`, `&apos;`…),
 *   escaped twice too (`&amp;#39;`);
 * Encodings may mix within one occurrence (a JSON body echoing a URL-encoded value), and the
 * pattern stays linear: one alternation per character, no nested repetition.
 *
 * Base64 cannot be matched per character. Each secret adds its base64 and base64url forms
 * (with and without padding) and, for secrets of 8 bytes or more, the base64 characters it
 * fixes at each of the three byte alignments: so a secret encoded *together with other text*
 * (`Basic base64(user:secret)`) is found too, and the characters around it (which depend on
 * the other text) are what remains visible. Base64 characters are themselves matched through
 * every encoding above (PHP writes `\/` inside a JSON-escaped base64 string).
 *
 * Known limits: secrets transformed by the target (upper-cased, hashed, encrypted, split),
 * encoded twice (`%252F`), or in named HTML entities beyond ASCII punctuation (`&eacute;`).
 */
import type { Redactor } from '../result/types.js';

export const REDACTED = '***';

/** Builds a Redactor for these secret values. Empty strings are ignored. */
export function createRedactor(values: Iterable<string>): Redactor {
  const secrets = [...new Set([...values].filter((value) => value !== ''))];
  if (secrets.length === 0) return NO_SECRETS;

  // Longest secret first, so a secret that contains another is replaced whole. One regex per
  // secret: V8 slows down far more than linearly with one alternation over every secret's forms
  // (10 secrets: 5.7 s per MiB as one regex, well under 1 s as ten).
  secrets.sort((a, b) => b.length - a.length);
  const perSecret = secrets.map((secret) => {
    const forms = secretForms(secret).sort((a, b) => b.chars.length - a.chars.length);
    const source = forms.map((form) => form.chars.map(charPattern).join('')).join('|');
    return { forms, replaceAll: new RegExp(source, 'g'), probe: new RegExp(source) };
  });
  const forms = perSecret.flatMap((entry) => entry.forms);

  const redact = (text: string): string =>
    redactCutTail(
      perSecret.reduce((out, entry) => out.replace(entry.replaceAll, REDACTED), text),
      forms,
    );
  return {
    redact,
    redactDeep: <T>(value: T): T => deepRedact(value, redact) as T,
    holdsSecret: (text: string): boolean => perSecret.some((entry) => entry.probe.test(text)),
  };
}

const NO_SECRETS: Redactor = {
  redact: (text) => text,
  // Nothing to hide: no copy either (reports of secret-free runs stay cheap).
  redactDeep: <T>(value: T): T => value,
  holdsSecret: () => false,
  empty: true,
};

// ---------------------------------------------------------------------------
// Forms: the plain texts whose every character is then matched through every encoding

interface Form {
  /** The characters (code points) of the form, each matched through its encodings. */
  readonly chars: readonly string[];
  /** Whether a cut excerpt may end with a prefix of this form (cores start mid-stream: no). */
  readonly cutPrefix: boolean;
}

/** Secrets this long (in UTF-8 bytes) or longer are also searched inside longer base64 text. */
const MIN_BYTES_FOR_BASE64_CORES = 8;

function secretForms(secret: string): Form[] {
  const bytes = new TextEncoder().encode(secret);
  const base64 = bytesToBase64(bytes);
  const plain = [secret, base64, base64.replace(/=+$/, '')];
  const forms: Form[] = [];
  const seen = new Set<string>();
  const add = (text: string, cutPrefix: boolean): void => {
    for (const variant of [text, toBase64Url(text)]) {
      if (variant === '' || seen.has(variant)) continue;
      seen.add(variant);
      forms.push({ chars: [...variant], cutPrefix });
    }
  };
  for (const text of plain) add(text, true);
  if (bytes.length >= MIN_BYTES_FOR_BASE64_CORES) {
    for (let offset = 1; offset <= 2; offset++) add(base64Core(bytes, offset), false);
  }
  return forms;
}

/**
 * The base64 characters that depend only on the secret when it starts `offset` bytes into a
 * 3-byte group (offset 0 is the plain encoding's prefix, already a form).
 */
function base64Core(bytes: Uint8Array, offset: number): string {
  const padded = new Uint8Array(offset + bytes.length + 2);
  padded.set(bytes, offset);
  const encoded = bytesToBase64(padded);
  const first = Math.ceil((offset * 8) / 6);
  const end = Math.floor(((offset + bytes.length) * 8) / 6);
  return encoded.slice(first, end);
}

function toBase64Url(text: string): string {
  return /^[A-Za-z0-9+/=]+$/.test(text) ? text.replace(/\+/g, '-').replace(/\//g, '_') : text;
}

function bytesToBase64(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

// ---------------------------------------------------------------------------
// Encodings of one character

/** One way a character may be written: literal text, compared case-insensitively or not. */
interface Encoding {
  readonly text: string;
  /** Escapes are case-insensitive in their hex digits (`%2f`, `\u00E9`, `&#X27;`). */
  readonly caseless: boolean;
}

const JSON_SHORT: Readonly<Record<string, string>> = { '"': '\\"', '\\': '\\\\', '/': '\\/', '\n': '\\n', '\r': '\\r', '\t': '\\t', '\b': '\\b', '\f': '\\f' };

/** Named references for the characters apps and template engines escape (HTML5 names). */
const HTML_NAMED: Readonly<Record<string, readonly string[]>> = {
  '&': ['&amp;'],
  '<': ['&lt;'],
  '>': ['&gt;'],
  '"': ['&quot;'],
  "'": ['&apos;'],
  '/': ['&sol;'],
  '=': ['&equals;'],
  '+': ['&plus;'],
  '!': ['&excl;'],
  '#': ['&num;'],
  $: ['&dollar;'],
  '%': ['&percnt;'],
  '(': ['&lpar;'],
  ')': ['&rpar;'],
  '*': ['&ast;'],
  ',': ['&comma;'],
  '.': ['&period;'],
  ':': ['&colon;'],
  ';': ['&semi;'],
  '?': ['&quest;'],
  '@': ['&commat;'],
  '[': ['&lsqb;', '&lbrack;'],
  ']': ['&rsqb;', '&rbrack;'],
  '\\': ['&bsol;'],
  '^': ['&Hat;'],
  _: ['&lowbar;'],
  '`': ['&grave;'],
  '{': ['&lcub;', '&lbrace;'],
  '}': ['&rcub;', '&rbrace;'],
  '|': ['&vert;', '&verbar;'],
  '~': ['&tilde;'],
  '-': ['&hyphen;', '&dash;'],
  ' ': ['&nbsp;'],
};

const hex = (value: number, width: number): string => value.toString(16).toUpperCase().padStart(width, '0');

/** Every encoding of one character (a code point), as plain texts. */
function encodingsOf(char: string): Encoding[] {
  const cp = char.codePointAt(0) as number;
  const out: Encoding[] = [{ text: char, caseless: false }];
  const escape = (text: string): void => void out.push({ text, caseless: true });
  // Percent-encoding: the UTF-8 bytes; Latin-1 for characters below 256.
  escape([...new TextEncoder().encode(char)].map((byte) => `%${hex(byte, 2)}`).join(''));
  if (cp >= 0x80 && cp < 0x100) escape(`%${hex(cp, 2)}`);
  if (char === ' ') out.push({ text: '+', caseless: false });
  // JSON string escapes.
  const short = JSON_SHORT[char];
  if (short !== undefined) out.push({ text: short, caseless: false });
  if (cp < 0x10000) escape(`\\u${hex(cp, 4)}`);
  else escape(`\\u${hex(char.charCodeAt(0), 4)}\\u${hex(char.charCodeAt(1), 4)}`);
  // HTML character references (leading zeros are handled by the pattern; listed here once).
  escape(`&#${cp};`);
  escape(`&#x${hex(cp, 0)};`);
  for (const name of HTML_NAMED[char] ?? []) out.push({ text: name, caseless: false });
  return out;
}

const patternCache = new Map<string, string>();

/** `&`, or `&` escaped again up to four times (`&amp;amp;`). */
const AMP = '&(?:amp;){0,4}';

/** The regex source that accepts any encoding of `char`. */
function charPattern(char: string): string {
  const cached = patternCache.get(char);
  if (cached !== undefined) return cached;
  // Longest first: at the last character of a secret the shorter `%` must not win over `%25`.
  const encodings = encodingsOf(char).sort((a, b) => b.text.length - a.text.length);
  const alternatives = encodings.map(({ text, caseless }) => {
    // HTML references nest too (text escaped twice: `&amp;#39;`, `&amp;amp;`).
    if (/^&#\d+;$/.test(text)) return `${AMP}#0*${text.slice(2)}`;
    if (/^&#x[0-9A-F]+;$/.test(text)) return `${AMP}#[xX]0*${caseInsensitive(text.slice(3))}`;
    if (/^&[A-Za-z]+;$/.test(text)) return `${AMP}${text.slice(1)}`;
    // JSON escapes nest (a JSON body quoted inside a JSON string: `\\\/`): any run of backslashes.
    if (/^(?:\\u[0-9A-F]{4})+$/.test(text)) return text.split('\\u').slice(1).map((unit) => `\\\\{1,16}[uU]${caseInsensitive(unit)}`).join('');
    if (text.startsWith('\\') && text.length > 1) return `\\\\{1,16}${caseless ? caseInsensitive(text.slice(1)) : escapeRegExp(text.slice(1))}`;
    return caseless ? caseInsensitive(text) : escapeRegExp(text);
  });
  const pattern = alternatives.length === 1 ? (alternatives[0] as string) : `(?:${alternatives.join('|')})`;
  // Bounded: one entry per distinct character of the secrets.
  if (patternCache.size < 4096) patternCache.set(char, pattern);
  return pattern;
}

function caseInsensitive(text: string): string {
  return [...text].map((c) => (/[a-z]/i.test(c) ? `[${c.toLowerCase()}${c.toUpperCase()}]` : escapeRegExp(c))).join('');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
}

// ---------------------------------------------------------------------------
// Excerpts cut through a secret

/** How excerpts end when they were cut (`truncate` in steps/http/assertions.ts and others). */
const CUT_MARK = '…';
/** Shorter fragments at a cut say little, and hiding them would blank innocent text. */
const MIN_CUT_FRAGMENT = 3;
/** The longest encoding of one character (`\uD83D\uDE00`), for how far back a cut tail can start. */
const MAX_ENCODED_CHAR = 12;

/**
 * Hazard: an excerpt cut before redaction can end inside a secret (`…token=pp7K…`, or
 * `…token%3Dpp7K%2` inside an encoding); the whole secret no longer matches, and its first
 * characters would be shown. For text that ends with the cut mark, the longest tail that is
 * the start of any encoding of any secret (at least 3 characters) is replaced too.
 */
function redactCutTail(text: string, forms: readonly Form[]): string {
  if (!text.endsWith(CUT_MARK)) return text;
  const head = text.slice(0, -CUT_MARK.length);
  let cut = 0;
  for (const form of forms) {
    if (!form.cutPrefix) continue;
    const longest = Math.min(head.length, form.chars.length * MAX_ENCODED_CHAR);
    for (let start = head.length - longest; start <= head.length - Math.max(MIN_CUT_FRAGMENT, cut + 1); start++) {
      if (isEncodedPrefix(head, start, form.chars)) {
        cut = head.length - start;
        break;
      }
    }
  }
  return cut === 0 ? text : `${head.slice(0, head.length - cut)}${REDACTED}${CUT_MARK}`;
}

/** True when `text.slice(start)` is a proper start of `chars` written through any mix of encodings. */
function isEncodedPrefix(text: string, start: number, chars: readonly string[]): boolean {
  let positions = new Set([start]);
  for (const char of chars) {
    const next = new Set<number>();
    for (const at of positions) {
      if (at === text.length) return true;
      const rest = text.length - at;
      for (const encoding of encodingsWithZeros(char)) {
        const length = encoding.text.length;
        const piece = text.slice(at, at + length);
        if (rest >= length ? same(piece, encoding) : same(piece, { ...encoding, text: encoding.text.slice(0, rest) })) {
          if (rest <= length) return true;
          next.add(at + length);
        }
      }
    }
    if (next.size === 0) return false;
    positions = next;
  }
  // The whole form fits: a complete occurrence, which the pattern already replaced.
  return false;
}

/** Encodings, plus the zero-padded references PHP writes (`&#039;`). */
function encodingsWithZeros(char: string): Encoding[] {
  const all = encodingsOf(char);
  const cp = char.codePointAt(0) as number;
  if (cp < 100) all.push({ text: `&#0${cp};`, caseless: true }, { text: `&#00${cp};`, caseless: true });
  return all;
}

function same(piece: string, encoding: Encoding): boolean {
  return encoding.caseless ? piece.toLowerCase() === encoding.text.toLowerCase() : piece === encoding.text;
}

// ---------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------
// Secrets too weak to redact safely

/** A secret as the loader knows it: its `${secret:NAME}` name when known. */
export type SecretInput = string | { readonly name: string; readonly value: string };

/** Shorter secrets are replaced wherever they occur, so innocent text is blanked (and they are guessable). */
export const MIN_SAFE_SECRET_LENGTH = 8;

/** Words that also occur in reports as field names, values or prose. */
const COMMON_WORDS = new Set([
  'true', 'false', 'null', 'undefined', 'yes', 'no', 'on', 'off', 'none', 'name', 'value', 'values', 'key', 'id',
  'type', 'status', 'outcome', 'layer', 'stage', 'hint', 'message', 'error', 'errors', 'passed', 'failed', 'skipped',
  'flaky', 'journey', 'journeys', 'step', 'steps', 'run', 'runs', 'report', 'reports', 'entry', 'open', 'action',
  'result', 'results', 'url', 'http', 'https', 'get', 'post', 'put', 'delete', 'json', 'html', 'body', 'headers',
  'password', 'passwort', 'secret', 'token', 'admin', 'administrator', 'root', 'user', 'username', 'guest', 'test',
  'testing', 'demo', 'example', 'default', 'changeme', 'letmein', 'welcome', 'qwerty', 'abc123', 'password1',
  'localhost', 'production', 'staging', 'development', 'api', 'app', 'application',
]);

/**
 * Warnings for secrets that cannot be redacted safely: very short ones, digits only, years,
 * and common words (which are also field names and values in every report). Redaction
 * replaces such a value *everywhere*, so reports lose innocent text (`2026` in every date);
 * and a value this guessable protects little. Messages never contain the value itself.
 */
export function weakSecretWarnings(secrets: Iterable<SecretInput>): string[] {
  const warnings: string[] = [];
  const seen = new Set<string>();
  for (const secret of secrets) {
    const { name, value } = typeof secret === 'string' ? { name: undefined, value: secret } : secret;
    if (value === '' || seen.has(value)) continue;
    seen.add(value);
    const which = name !== undefined ? `secret ${name}` : `a secret (${[...value].length} characters)`;
    const effect =
      'pathproof replaces it with *** wherever it appears in reports and logs, so unrelated text that happens to contain it is blanked too; use a long random value';
    const length = [...value].length;
    const lower = value.toLowerCase();
    let why: string | undefined;
    if (/^(1[89]|2[01])\d\d$/.test(value)) why = 'looks like a year';
    else if (COMMON_WORDS.has(lower)) why = 'is a common word (also a field name or value in reports)';
    else if (/^\d+$/.test(value) && length < 12) why = `is only ${length} digits`;
    else if (length < MIN_SAFE_SECRET_LENGTH) why = `is only ${length} character${length === 1 ? '' : 's'} long`;
    if (why !== undefined) warnings.push(`${which} ${why}: ${effect}`);
  }
  return warnings;
}
