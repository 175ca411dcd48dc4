/**
 * User regular expressions (`expect.body.regex`, matcher `regex`, `capture: { regex }` on
 * HTTP and browser steps, `runtime.*.regex`, `expectUrl.regex`): one place compiles them all.
 *
 * Why not `RegExp`: V8's engine backtracks, so `^(a+)+$` against a hostile body runs for
 * minutes, synchronously: no deadline, no SIGTERM and no `/healthz` can interrupt it. User
 * regexes run on RE2 instead (`re2js`, a pure-JS port: no native build), whose matching time
 * is linear in the text. The price is RE2's syntax: no backreferences (`\1`) and no
 * lookaround (`(?=`, `(?!`, `(?<=`, `(?<!`); `\uXXXX` is written `\x{XXXX}`. Patterns are
 * checked when the journey loads (`regexProblem`), so these are file:line:col diagnostics,
 * never a surprise at run time.
 *
 * Flags: none from outside; inline `(?i)` (case-insensitive), `(?s)` (`.` matches newlines),
 * `(?m)` (`^`/`$` per line) and `(?U)` work as in RE2.
 */
import { createRequire } from 'node:module';
import type { RE2JS } from 're2js';

let re2: typeof RE2JS | undefined;

/** re2js, loaded with the first user pattern (synchronously, as the schema's checks are): most journeys have none. */
function engine(): typeof RE2JS {
  re2 ??= (createRequire(import.meta.url)('re2js') as { RE2JS: typeof RE2JS }).RE2JS;
  return re2;
}

/** A compiled user regex: the operations pathproof needs, nothing that could backtrack. */
export interface UserRegex {
  readonly source: string;
  /** True when the pattern matches somewhere in `text`. */
  test(text: string): boolean;
  /**
   * The first match like `RegExp#exec`: index 0 the whole match, then each group
   * (undefined when the group did not take part); null when nothing matched.
   */
  exec(text: string): (string | undefined)[] | null;
}

export type CompiledRegex = { readonly ok: true; readonly regex: UserRegex } | { readonly ok: false; readonly message: string };

/** Compiles a user pattern with RE2 semantics; never throws. */
export function compileUserRegex(pattern: string): CompiledRegex {
  let compiled: RE2JS;
  try {
    compiled = engine().compile(pattern);
  } catch (error) {
    return { ok: false, message: explain(pattern, error) };
  }
  return {
    ok: true,
    regex: {
      source: pattern,
      test: (text) => compiled.matcher(text).find(),
      exec(text) {
        const matcher = compiled.matcher(text);
        if (!matcher.find()) return null;
        const groups: (string | undefined)[] = [];
        for (let i = 0; i <= matcher.groupCount(); i++) groups.push(matcher.group(i) ?? undefined);
        return groups;
      },
    },
  };
}

/** `{{ name }}` placeholders are filled at run time; at load time they stand for plain text. */
const PLACEHOLDER = /\{\{[^{}]*\}\}/g;

/**
 * Why a journey's pattern cannot be used, for the schema (load time), or undefined when it
 * compiles. Capture placeholders are checked as if they were literal text.
 */
export function regexProblem(pattern: string): string | undefined {
  const compiled = compileUserRegex(pattern.replace(PLACEHOLDER, 'x'));
  return compiled.ok ? undefined : compiled.message;
}

const ENGINE = 'pathproof matches with RE2, a linear-time engine';

/** RE2's parse error, with what to write instead for the features people reach for. */
function explain(pattern: string, error: unknown): string {
  const raw = (error instanceof Error ? error.message : String(error)).replace(/^error parsing regexp:\s*/, '');
  if (/\(\?<?[=!]/.test(pattern)) return `lookahead and lookbehind ((?=…), (?!…), (?<=…), (?<!…)) are not supported: ${ENGINE} (${raw})`;
  if (/\\[1-9]/.test(pattern) || /\\k</.test(pattern)) return `backreferences (\\1, \\k<name>) are not supported: ${ENGINE} (${raw})`;
  if (/\\u/.test(pattern) && /escape/.test(raw)) return `\\uXXXX is written \\x{XXXX} in RE2 (${raw})`;
  return `invalid regular expression: ${raw}`;
}
