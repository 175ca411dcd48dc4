import { describe, expect, it } from 'vitest';
import { createRedactor, weakSecretWarnings } from './secrets.js';
import type { SecretInput } from './secrets.js';

const b64 = (text: string): string => Buffer.from(text, 'utf8').toString('base64');
const b64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');

describe('createRedactor', () => {
  const secret = 'p@ss w/rd+é!';
  const redactor = createRedactor([secret, 'tok3n-abc']);

  it.each([
    ['as written', `password=${secret}`, 'password=***'],
    ['inside a longer string', `xx${'tok3n-abc'}yy`, 'xx***yy'],
    ['twice', 'tok3n-abc tok3n-abc', '*** ***'],
    ['URL-encoded', `https://h/x?p=${encodeURIComponent(secret)}&q=1`, 'https://h/x?p=***&q=1'],
    ['form-urlencoded (URLSearchParams)', new URLSearchParams({ p: secret, q: '1' }).toString(), 'p=***&q=1'],
    ['form-urlencoded (+ for spaces)', `p=${encodeURIComponent(secret).replace(/%20/g, '+')}`, 'p=***'],
    ['JSON-escaped', JSON.stringify({ p: 'a"b\\c' }), '{"p":"***"}'],
    ['base64', `token ${b64(secret)}`, 'token ***'],
    ['base64url', `token ${b64url(secret)}`, 'token ***'],
    ['no secret', 'nothing to hide', 'nothing to hide'],
  ])('%s', (_label, text, expected) => {
    const withQuote = createRedactor([secret, 'tok3n-abc', 'a"b\\c']);
    expect(withQuote.redact(text)).toBe(expected);
  });

  it('replaces the longest of overlapping secrets whole', () => {
    const overlapping = createRedactor(['abc', 'abcdef', 'cde']);
    expect(overlapping.redact('xabcdefx')).toBe('x***x');
    expect(overlapping.redact('xabcx cdex')).toBe('x***x ***x');
  });

  it('escapes regular-expression characters in secrets', () => {
    const special = createRedactor(['a.b*c(d)[e]$^|\\/?']);
    expect(special.redact('<a.b*c(d)[e]$^|\\/?>')).toBe('<***>');
    expect(special.redact('aXbbbc')).toBe('aXbbbc');
  });

  it('ignores empty strings (would otherwise match everywhere)', () => {
    const empty = createRedactor(['', '']);
    expect(empty.redact('text')).toBe('text');
    expect(empty.holdsSecret('text')).toBe(false);
  });

  it('tells whether a text holds a secret, every call (no sticky regex state)', () => {
    expect(redactor.holdsSecret('a tok3n-abc b')).toBe(true);
    expect(redactor.holdsSecret('a tok3n-abc b')).toBe(true);
    expect(redactor.holdsSecret(b64(secret))).toBe(true);
    expect(redactor.holdsSecret('tok3n')).toBe(false);
  });

  it('finds a secret base64-encoded together with other text (Basic user:secret), at any byte alignment', () => {
    for (const prefix of ['user:', 'user1:', 'user12:']) {
      const basic = b64(`${prefix}${'tok3n-abc'}`);
      const redacted = redactor.redact(`Basic ${basic}`);
      expect(redactor.holdsSecret(`Basic ${basic}`)).toBe(true);
      expect(redacted).toContain('***');
      // What is left around the mark depends on the other text only: it never decodes to the secret.
      for (const piece of redacted.slice('Basic '.length).split('***')) expect(Buffer.from(piece, 'base64').toString('latin1')).not.toContain('tok3n');
    }
  });

  it('redactDeep copies JSON-like values, keys included, without touching the input', () => {
    const input = {
      headers: { authorization: 'Bearer tok3n-abc', 'x-tok3n-abc': '1' },
      list: ['tok3n-abc', 3, true, null, { nested: `q=${encodeURIComponent(secret)}` }],
    };
    const output = redactor.redactDeep(input);
    expect(output).toEqual({
      headers: { authorization: 'Bearer ***', 'x-***': '1' },
      list: ['***', 3, true, null, { nested: 'q=***' }],
    });
    expect(input.headers.authorization).toBe('Bearer tok3n-abc');
  });

  it('is linear-time friendly on large strings', () => {
    // Not a timing assertion: a 5 MB string with many hits is redacted correctly.
    const big = 'lorem ipsum tok3n-abc '.repeat(250_000);
    const redacted = redactor.redact(big);
    expect(redacted.includes('tok3n-abc')).toBe(false);
    expect(redacted.length).toBe(big.length - 250_000 * ('tok3n-abc'.length - 3));
  });

  it('redacts nothing and, with nothing to hide, does not copy', () => {
    const none = createRedactor([]);
    const value = { a: ['x'] };
    expect(none.redact('tok3n-abc')).toBe('tok3n-abc');
    // Identity on purpose: a secret-free run of hundreds of journeys should not deep-copy results.
    expect(none.redactDeep(value)).toBe(value);
  });
});

/** A secret with every kind of character an encoder treats specially. */
const HOSTILE = `pp7Kq9Zx aud1t/s+cr&t=!v4lue'"<é>😀?#%`;
const lowerHex = (text: string): string => text.replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase());
/** PHP's json_encode: `\\/`, `\\u00e9`; with hexTags (JSON_HEX_TAG|AMP|APOS|QUOT) `\\u003C` for <>&'". */
const phpJson = (text: string, hexTags = false): string =>
  [...text.split('')]
    .map((c) => {
      const code = c.charCodeAt(0);
      if (hexTags && `<>&'"`.includes(c)) return `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
      if (c === '"' || c === '\\' || c === '/') return `\\${c}`;
      return code < 0x20 || code > 0x7e ? `\\u${code.toString(16).padStart(4, '0')}` : c;
    })
    .join('');
const html = (text: string, quote: string): string =>
  text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, quote);
const allNumeric = (text: string, radix: 10 | 16): string =>
  [...text].map((c) => (radix === 10 ? `&#${c.codePointAt(0)};` : `&#x${(c.codePointAt(0) as number).toString(16)};`)).join('');
const whatwg = {
  path: (text: string): string => new URL(`http://h/${text.replace(/[?#%]/g, encodeURIComponent)}`).pathname.slice(1),
  query: (text: string): string => new URL(`http://h/?q=${text.replace(/[#%&]/g, encodeURIComponent)}`).search.slice(3),
  userinfo: (text: string): string => {
    const url = new URL('http://h/');
    url.password = text;
    return url.password;
  },
};

describe('createRedactor: a secret through every encoding pathproof produces or a target echoes', () => {
  const redactor = createRedactor([HOSTILE]);
  const forms: [string, string][] = [
    ['as written', HOSTILE],
    ['WHATWG URL path', whatwg.path(HOSTILE)],
    ['WHATWG URL query', whatwg.query(HOSTILE)],
    ['WHATWG URL userinfo', whatwg.userinfo(HOSTILE)],
    ['encodeURI', encodeURI(HOSTILE)],
    ['encodeURIComponent', encodeURIComponent(HOSTILE)],
    ['encodeURIComponent, lower-case hex', lowerHex(encodeURIComponent(HOSTILE))],
    ['WHATWG URL path, lower-case hex', lowerHex(whatwg.path(HOSTILE))],
    ['form (URLSearchParams, + for spaces)', new URLSearchParams({ v: HOSTILE }).toString().slice(2)],
    ['JSON.stringify', JSON.stringify(HOSTILE).slice(1, -1)],
    ['PHP json_encode (\\/ and \\u00e9)', phpJson(HOSTILE)],
    ['JSON with hex-escaped tags (\\u003C, upper case)', phpJson(HOSTILE, true)],
    ['HTML escaped with &#39;', html(HOSTILE, '&#39;')],
    ['HTML escaped with &#039; (PHP)', html(HOSTILE, '&#039;')],
    ['HTML escaped with &apos;', html(HOSTILE, '&apos;')],
    ['HTML escaped with &#x27;', html(HOSTILE, '&#x27;')],
    ['every character a decimal reference', allNumeric(HOSTILE, 10)],
    ['every character a hex reference', allNumeric(HOSTILE, 16).toUpperCase().replace(/&#X/g, '&#x')],
    ['a URL in JSON (mixed: percent inside a JSON escape)', phpJson(`https://h/cb?t=${encodeURI(HOSTILE)}`).slice('https:\\/\\/h\\/cb?t='.length)],
    ['a URL in HTML (mixed: percent inside an attribute)', html(encodeURI(HOSTILE), '&#39;')],
    ['base64', b64(HOSTILE)],
    ['base64 without padding', b64(HOSTILE).replace(/=+$/, '')],
    ['base64url', b64url(HOSTILE)],
    ['base64 in PHP JSON (\\/)', b64(HOSTILE).replace(/\//g, '\\/')],
    ['HTML escaped twice (&amp;amp;, &amp;#39;)', html(html(HOSTILE, '&#39;'), '&#39;')],
    ['JSON inside a JSON string (escaped twice)', JSON.stringify(phpJson(HOSTILE)).slice(1, -1)],
  ];

  it.each(forms)('%s', (_name, form) => {
    const text = `before ${form} after`;
    expect(redactor.holdsSecret(text)).toBe(true);
    expect(redactor.redact(text)).toBe('before *** after');
  });

  it('self-check: the forms differ from each other and from the secret (the table tests encodings, not copies)', () => {
    const names = new Map<string, string>();
    const copies = forms.flatMap(([name, form]) => (names.has(form) ? [`${name} = ${names.get(form)}`] : (names.set(form, name), [])));
    expect(copies).toEqual([]);
  });

  it.each<[string, string]>([
    ['a raw prefix', `x ${HOSTILE.slice(0, 6)}…`],
    ['a cut inside a percent escape', `x=${encodeURIComponent(HOSTILE).slice(0, 12)}…`],
    ['a cut inside a \\u escape', `x=${phpJson(HOSTILE).slice(0, phpJson(HOSTILE).indexOf('\\u') + 3)}…`],
    ['a cut inside an HTML reference', `x=${html(HOSTILE, '&#039;').slice(0, html(HOSTILE, '&#039;').indexOf('&#0') + 3)}…`],
  ])('excerpts cut through an encoded secret: %s', (_name, text) => {
    expect(redactor.redact(text)).toMatch(/^x[ =]\*\*\*…$/);
  });

  it('leaves text alone that only resembles the secret', () => {
    for (const text of ['pp7Kq9Zx aud1t', 'PP7KQ9ZX AUD1T/S+CR&T=!V4LUE', '%70%70%37%4', 'before after']) expect(redactor.redact(text)).toBe(text);
  });

  it('stays fast on large hostile text (many near-misses)', () => {
    // Not a timing assertion: 2 MB of partial matches in every encoding is redacted correctly.
    const noise = `${HOSTILE.slice(0, 10)} ${encodeURIComponent(HOSTILE).slice(0, 20)} &#112;&#112;&#55; `;
    const big = `${noise.repeat(20_000)}${HOSTILE}`;
    expect(redactor.redact(big).endsWith('***')).toBe(true);
  });
});

describe('weakSecretWarnings', () => {
  it.each<[SecretInput, string | undefined]>([
    [{ name: 'YEAR', value: '2026' }, 'secret YEAR looks like a year'],
    [{ name: 'FIELD', value: 'name' }, 'secret FIELD is a common word (also a field name or value in reports)'],
    [{ name: 'BOOL', value: 'true' }, 'secret BOOL is a common word'],
    [{ name: 'PIN', value: '123456' }, 'secret PIN is only 6 digits'],
    [{ name: 'SHORT', value: 'x9!' }, 'secret SHORT is only 3 characters long'],
    ['Ab1', 'a secret (3 characters) is only 3 characters long'],
    [{ name: 'GOOD', value: 'pp7Kq9Zx-aud1t' }, undefined],
  ])('%j', (secret, message) => {
    const warnings = weakSecretWarnings([secret]);
    if (message === undefined) return expect(warnings).toEqual([]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(message);
    expect(warnings[0]).toContain('replaces it with *** wherever it appears');
    // Never the value itself: warnings are printed.
    const value = typeof secret === 'string' ? secret : secret.value;
    if (/\d/.test(value)) expect(warnings[0]).not.toContain(value);
  });

  it('warns once per value', () => {
    expect(weakSecretWarnings(['2026', '2026', { name: 'A', value: '2026' }])).toHaveLength(1);
  });
});
