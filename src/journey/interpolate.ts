/**
 * `${VAR}`, `${VAR:-default}` and `${secret:NAME}` substitution on YAML scalars (load time),
 * and `{{ name }}` capture substitution on resolved steps (run time).
 *
 * Env substitution runs on the parsed scalars, not on the file text, so a value can never
 * break the YAML around it (a `: ` or `#` in a password stays a password) and every
 * problem keeps the scalar's position. It is one pass: a substituted value is never
 * scanned again, so an env value holding `${OTHER}` stays literal.
 */
import { isScalar } from 'yaml';
import type { Node } from 'yaml';
import { walkYaml } from './yaml-tree.js';

/** The environment variables interpolation reads (process env merged with project vars). */
export type Env = Readonly<Record<string, string | undefined>>;

/** A `${secret:NAME}` reference and the value it had. */
export interface NamedSecret {
  readonly name: string;
  readonly value: string;
}

export interface StringInterpolation {
  readonly value: string;
  /** Secret values substituted into this string, for the redactor. */
  readonly secrets: readonly string[];
  /** The same, with their names (for warnings that must never print a value). */
  readonly named: readonly NamedSecret[];
  /** Problems, one message each (missing variable, bad reference). */
  readonly problems: readonly string[];
}

const IDENT = '[A-Za-z_][A-Za-z0-9_]*';
// `$${` (escape) | `${body}` | an unterminated `${`.
const REFERENCE_RE = /(\$\$\{)|\$\{([^}]*)\}|(\$\{)/g;
const SECRET_RE = new RegExp(`^secret:(${IDENT})$`);
const VAR_RE = new RegExp(`^(${IDENT})(?::-([\\s\\S]*))?$`);

/**
 * Substitutes env references in one string. Shell semantics for the default: `${VAR:-d}`
 * uses `d` when VAR is unset or empty; `${VAR}` with VAR set to `` is ``.
 */
export function interpolateString(text: string, env: Env): StringInterpolation {
  // Fast path: most scalars hold no reference at all.
  if (!text.includes('${')) return { value: text, secrets: [], named: [], problems: [] };
  const secrets: string[] = [];
  const named: NamedSecret[] = [];
  const problems: string[] = [];
  const value = text.replace(REFERENCE_RE, (match, escape?: string, body?: string, open?: string) => {
    if (escape !== undefined) return '${';
    if (open !== undefined) {
      problems.push('unterminated "${": close it with "}", or write "$${" for a literal "${"');
      return match;
    }
    const reference = body ?? '';
    const secret = SECRET_RE.exec(reference);
    if (secret) {
      const name = secret[1] as string;
      const secretValue = env[name];
      if (secretValue === undefined || secretValue === '') {
        problems.push(`secret ${name} is not set in the environment`);
        return match;
      }
      secrets.push(secretValue);
      named.push({ name, value: secretValue });
      return secretValue;
    }
    const variable = VAR_RE.exec(reference);
    if (!variable) {
      problems.push(
        `invalid reference "\${${reference}}": use \${VAR}, \${VAR:-default} or \${secret:NAME} (write "$\${" for a literal "\${")`,
      );
      return match;
    }
    const [, name, fallback] = variable as unknown as [string, string, string | undefined];
    const envValue = env[name];
    if (fallback !== undefined) return envValue === undefined || envValue === '' ? fallback : envValue;
    if (envValue === undefined) {
      problems.push(`environment variable ${name} is not set (use \${${name}:-default} for a default)`);
      return match;
    }
    return envValue;
  });
  return { value, secrets, named, problems };
}

/** Where a problem was found: the scalar node, so the loader can give its line and column. */
export type InterpolationReport = (node: Node, message: string) => void;

/**
 * Interpolates every string scalar *value* of a parsed YAML tree in place (keys are left
 * as written) and returns the secret values used. Aliases are not followed: their anchor
 * is interpolated where it stands, which also keeps an alias bomb from blowing up here.
 * Walks at most `maxDepth` levels; the loader reports deeper input separately.
 */
export function interpolateTree(
  root: unknown,
  env: Env,
  report: InterpolationReport,
  maxDepth = 64,
): { secrets: string[]; named: NamedSecret[] } {
  const secrets = new Set<string>();
  const named = new Map<string, NamedSecret>();
  walkYaml(root, maxDepth, (node) => {
    if (!isScalar(node) || typeof node.value !== 'string') return;
    const result = interpolateString(node.value, env);
    for (const problem of result.problems) report(node, problem);
    for (const secret of result.secrets) secrets.add(secret);
    for (const one of result.named) named.set(one.name, one);
    node.value = result.value;
  });
  return { secrets: [...secrets], named: [...named.values()] };
}

// ---------------------------------------------------------------------------
// Run-time captures

/** `{{ name }}` with optional spaces; the name is an identifier (schema.ts CaptureName). */
const CAPTURE_RE = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;

/** Names of the `{{ name }}` placeholders in a string, in order of appearance (may repeat). */
export function captureNames(text: string): string[] {
  if (!text.includes('{{')) return [];
  return Array.from(text.matchAll(CAPTURE_RE), (match) => match[1] as string);
}

/**
 * Replaces `{{ name }}` in every string of a JSON-like value (object keys too) with the
 * captured value, returning a copy. Unknown names are left as written and listed in
 * `missing` (each once), so the runner can fail the step with a clear message.
 */
export function substituteCaptures<T>(value: T, vars: ReadonlyMap<string, string>): { value: T; missing: string[] } {
  // Fast path: most steps hold no placeholder at all, and then a copy would equal the input.
  if (!holdsPlaceholder(value)) return { value, missing: [] };
  const missing = new Set<string>();
  const substitute = (text: string): string => {
    if (!text.includes('{{')) return text;
    return text.replace(CAPTURE_RE, (match, name: string) => {
      const captured = vars.get(name);
      if (captured === undefined) {
        missing.add(name);
        return match;
      }
      return captured;
    });
  };
  const copy = (input: unknown): unknown => {
    if (typeof input === 'string') return substitute(input);
    if (Array.isArray(input)) return input.map(copy);
    if (isPlainObject(input)) {
      const out: Record<string, unknown> = {};
      for (const [key, inner] of Object.entries(input)) out[substitute(key)] = copy(inner);
      return out;
    }
    return input;
  };
  return { value: copy(value) as T, missing: [...missing] };
}

/** Whether any string the copy in {@link substituteCaptures} would visit (keys too) contains `{{`. */
function holdsPlaceholder(input: unknown): boolean {
  if (typeof input === 'string') return input.includes('{{');
  if (Array.isArray(input)) {
    for (const item of input) if (holdsPlaceholder(item)) return true;
    return false;
  }
  if (isPlainObject(input)) {
    for (const key in input) {
      if (!Object.hasOwn(input, key)) continue;
      if (key.includes('{{') || holdsPlaceholder(input[key])) return true;
    }
  }
  return false;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}
