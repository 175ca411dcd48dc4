/**
 * Escaping for the HTML report. Everything that came from the target or the run (bodies,
 * headers, URLs, page text, messages, journey names) passes through `text()` or `attr()`
 * before it reaches the page; the renderer never concatenates raw data into markup.
 *
 * Hazard: escaping `<` alone is not enough inside attributes (a `"` closes the attribute and
 * `onerror=` follows), and `'` matters if anyone ever switches to single quotes. We escape
 * the five characters everywhere, so one function is safe in both places.
 */

const ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** A piece of markup that is already safe: produced by `html` templates or escaping. */
export interface SafeHtml {
  readonly __html: string;
}

/** Anything escapeHtml changes: most values (names, codes, durations) hold none of it. */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /[&<>"'\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/;

/** Escapes any value for element content or a double-quoted attribute. */
export function escapeHtml(value: unknown): string {
  const raw = value === undefined || value === null ? '' : typeof value === 'string' ? value : String(value);
  if (!NEEDS_ESCAPE.test(raw)) return raw;
  // Control characters (other than tab/newline) are replaced: they are invalid in HTML and
  // a NUL can confuse downstream tools that copy the page.
  // eslint-disable-next-line no-control-regex
  return raw.replace(/[&<>"']/g, (c) => ENTITIES[c]!).replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/g, '\ufffd');
}

export function safe(markup: string): SafeHtml {
  return { __html: markup };
}

/**
 * A `<script>` element around our own code (never data). Not written inside an `html`
 * template: a bundler escapes the `</script` of a tagged template and then needs a runtime
 * helper to keep its raw form (scripts/bundle-cli.mjs).
 */
export function inlineScript(code: string): SafeHtml {
  return safe(`<script>${code}</script>`);
}

function isSafe(value: unknown): value is SafeHtml {
  return typeof value === 'object' && value !== null && '__html' in value && typeof (value as SafeHtml).__html === 'string';
}

type Part = SafeHtml | string | number | undefined | null | false | readonly Part[];

function render(part: Part): string {
  if (part === undefined || part === null || part === false) return '';
  if (Array.isArray(part)) return part.map((p: Part) => render(p)).join('');
  if (isSafe(part)) return part.__html;
  return escapeHtml(part);
}

/**
 * Tagged template: interpolated values are escaped unless they are `SafeHtml` (nested
 * templates). Arrays are joined; `undefined`, `null` and `false` render nothing, so
 * `${cond && html`…`}` works.
 */
export function html(strings: TemplateStringsArray, ...values: Part[]): SafeHtml {
  let out = strings[0] ?? '';
  values.forEach((value, i) => {
    out += render(value) + (strings[i + 1] ?? '');
  });
  return safe(out);
}

/**
 * A fragment identifier from a journey name. Journey names are `[a-z0-9-]` by schema, but
 * a run.json from elsewhere may hold anything: keep the allowed characters, encode the rest.
 */
export function anchorId(name: string): string {
  return `journey-${name.replace(/[^A-Za-z0-9_-]/g, (c) => `_${c.codePointAt(0)!.toString(16)}`)}`;
}
