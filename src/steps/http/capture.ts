/**
 * `capture:` of an HTTP step: name → JSON path (first value), `{ header }` or
 * `{ regex, group }` over the body. Values become `{{ name }}` in later steps, so they are
 * always strings: non-string JSON values are stringified as JSON (`120`, `true`, `{"a":1}`).
 * A capture that finds nothing is an error naming the capture and what was looked at.
 */
import type { StepOf } from '../../journey/schema.js';
import type { HttpObservation } from '../../result/types.js';
import { asText, compileRegex, show, truncate } from './assertions.js';
import { evaluateJsonPath, parseJson } from './json-path.js';
import type { ParsedJson } from './json-path.js';

/** One capture as the schema allows it for HTTP steps. */
export type HttpCapture = NonNullable<StepOf<'request'>['capture']>[string];

export interface CaptureOutcome {
  readonly values: Record<string, string>;
  readonly errors: string[];
}

const EXCERPT_CHARS = 120;

export function captureValues(spec: Readonly<Record<string, HttpCapture>>, observation: HttpObservation): CaptureOutcome {
  const values: Record<string, string> = {};
  const errors: string[] = [];
  let json: ParsedJson | undefined;
  const body = (): ParsedJson => (json ??= parseJson(observation.body));

  for (const [name, capture] of Object.entries(spec)) {
    const result = captureOne(name, capture, observation, body);
    if (result.ok) values[name] = result.value;
    else errors.push(result.message);
  }
  return { values, errors };
}

type One = { ok: true; value: string } | { ok: false; message: string };

function captureOne(name: string, capture: HttpCapture, observation: HttpObservation, body: () => ParsedJson): One {
  if (typeof capture === 'string' || 'json' in capture) {
    const path = typeof capture === 'string' ? capture : capture.json;
    const parsed = body();
    if (!parsed.ok) {
      return { ok: false, message: `capture ${name}: ${path} needs a JSON body, but the body is not JSON (${parsed.message}); ${bodyStart(observation.body)}` };
    }
    const found = evaluateJsonPath(parsed.value, path);
    if (!found.ok) return { ok: false, message: `capture ${name}: ${found.message}` };
    const [first] = found.values;
    if (found.values.length === 0 || first === undefined) {
      return { ok: false, message: `capture ${name}: ${path} matched nothing in the JSON body ${describeJson(parsed.value)}` };
    }
    return { ok: true, value: asText(first) as string };
  }
  if ('header' in capture) {
    const key = capture.header.toLowerCase();
    const value = Object.hasOwn(observation.headers, key) ? observation.headers[key] : undefined;
    if (value === undefined) {
      const names = Object.keys(observation.headers).sort().join(', ');
      return { ok: false, message: `capture ${name}: no header "${key}" in the response (headers: ${truncate(names, 300) || 'none'})` };
    }
    return { ok: true, value };
  }
  const regex = compileRegex(capture.regex);
  if (!regex.ok) return { ok: false, message: `capture ${name}: invalid regex /${capture.regex}/: ${regex.message}` };
  const match = regex.value.exec(observation.body);
  if (!match) {
    return { ok: false, message: `capture ${name}: /${capture.regex}/ matched nothing in the body; ${bodyStart(observation.body)}` };
  }
  // Default: the first group when the pattern has one, else the whole match.
  const group = capture.group ?? (match.length > 1 ? 1 : 0);
  const value = match[group];
  if (value === undefined) {
    return {
      ok: false,
      message: `capture ${name}: /${capture.regex}/ matched, but group ${group} ${group >= match.length ? `does not exist (the pattern has ${match.length - 1})` : 'did not participate in the match'}`,
    };
  }
  return { ok: true, value };
}

/** `body starts "…"`, or `the body is empty`: what the capture looked at. */
function bodyStart(body: string): string {
  return body.length === 0 ? 'the body is empty' : `body starts ${show(truncate(body, EXCERPT_CHARS))}`;
}

/** "(top-level keys: id, items)" or "(an array of 3)" — what the path was looked for in. */
function describeJson(doc: unknown): string {
  if (Array.isArray(doc)) return `(an array of ${doc.length})`;
  if (typeof doc === 'object' && doc !== null) {
    const keys = Object.keys(doc);
    return keys.length === 0 ? '(an empty object)' : `(top-level keys: ${truncate(keys.join(', '), 200)})`;
  }
  return `(${show(doc)})`;
}
