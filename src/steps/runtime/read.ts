/**
 * Runtime truth (DESIGN §1 `runtime`, §7 `facts`): what is actually serving, read before any
 * stage. A served version other than the expected one, the wrong environment answering, or
 * a platform fact that is off is layer `drift` (src/classify decides): the repository and the
 * deploy script may say 2.0.3, the socket says 2.1.0.
 *
 * Sources (exactly one per check, the schema enforces it): a response `header`, a `json`
 * path of the body, the content of an HTML `<meta name>`, or the first group of a `regex`
 * over the body (an asset fingerprint such as `/assets/app\.([0-9a-f]{8})\.js`).
 *
 * Decisions:
 * - The target not saying (no header, path matching nothing, no meta, no match) is `drift`
 *   with "no version exposed at …", never a crash and never a pass: a build that cannot say
 *   what it is cannot be proven to be the intended one. With no expectation at all the
 *   check still records what was served, and an absent value still fails (the journey
 *   asked for it).
 * - An error status on the runtime request (404 on /version, 502 from the proxy) is
 *   classified like any HTTP step: the layer before drift is the one to check first.
 * - Values are compared exactly after trimming surrounding whitespace (headers and meta
 *   content often carry it); `2.0.3` and `v2.0.3` differ on purpose.
 */
import { pathOf } from '../../util/url.js';
import { servedByHeaders } from '../served-by.js';
import type { AssertionResult, HttpObservation } from '../../result/types.js';
import type { RuntimeCheck } from '../../journey/schema.js';
import { evaluateJsonPath } from '../http/json-path.js';
import { probeInContext, requestInContext } from '../http/in-context.js';
import { tracedBy } from '../trace.js';
import type { StepContext, StepOutcome, TruthRead } from '../types.js';
import { compileUserRegex } from '../../journey/regex.js';

/** One runtime-truth check as the runner plans it: what to read, where, and what should be there. */
export interface RuntimeStep {
  readonly what: 'version' | 'environment' | 'fact';
  /** The fact's name (`workflow-plugin-enabled`), for `fact`. */
  readonly name?: string;
  readonly check: RuntimeCheck;
  /** What should be served (trimmed); undefined: only record what is. */
  readonly expected?: string;
}

/** `version ("2.1.0") == "2.0.3"`, `fact workflow-enabled ("false") == "true"`: the condition as written, with what was seen. */
export function truthExpression(kind: RuntimeStep['what'], served: string | undefined, expected: string | undefined, name?: string): string {
  const subject = kind === 'fact' && name !== undefined ? `fact ${name}` : kind;
  return `${subject} (${served === undefined ? 'missing' : JSON.stringify(served)}) == ${expected === undefined ? 'a value' : JSON.stringify(expected)}`;
}

/** `runtime.version`, `runtime.fact workflow-plugin-enabled`: the label reports show. */
export function labelRuntime(step: RuntimeStep): string {
  return step.what === 'fact' ? `runtime.fact ${step.name ?? '?'}` : `runtime.${step.what}`;
}

export type RuntimeRead = { ok: true; value: string } | { ok: false; why: string };

/**
 * Reads the value a runtime check points at, or says why nothing was found there. Pure.
 * `why` completes "no version exposed at GET /version ($.version): …".
 */
export function readRuntimeValue(check: RuntimeCheck, observation: HttpObservation): RuntimeRead {
  const cut = observation.bodyTruncated ? ` (only the first ${observation.body.length} characters of the body were read)` : '';
  if (check.header !== undefined) {
    const value = observation.headers[check.header.toLowerCase()];
    return value === undefined || value.trim() === ''
      ? { ok: false, why: `the response has no ${check.header.toLowerCase()} header` }
      : { ok: true, value: value.trim() };
  }
  if (check.json !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(observation.body);
    } catch {
      const type = observation.headers['content-type'];
      return { ok: false, why: `the body is not JSON${type === undefined ? '' : ` (content-type: ${type})`}${cut}` };
    }
    const found = evaluateJsonPath(doc, check.json);
    if (!found.ok) return { ok: false, why: found.message };
    const [first] = found.values;
    if (first === undefined) return { ok: false, why: `${check.json} matched nothing in the JSON body` };
    if (first === null || first === '') return { ok: false, why: `${check.json} is ${first === null ? 'null' : 'empty'}` };
    return { ok: true, value: typeof first === 'string' ? first.trim() : JSON.stringify(first) };
  }
  if (check.meta !== undefined) {
    const value = readMeta(observation.body, check.meta);
    return value === undefined || value.trim() === ''
      ? { ok: false, why: `the page has no <meta name="${check.meta}" content="…">${cut}` }
      : { ok: true, value: value.trim() };
  }
  if (check.regex !== undefined) {
    // Linear time (RE2, journey/regex.ts): a hostile body cannot hold the run past its deadline.
    const compiled = compileUserRegex(check.regex);
    if (!compiled.ok) return { ok: false, why: `invalid regex /${check.regex}/: ${compiled.message}` };
    const match = compiled.regex.exec(observation.body);
    const value = match?.[1] ?? match?.[0];
    return value === undefined || value === '' ? { ok: false, why: `/${check.regex}/ matched nothing in the body${cut}` } : { ok: true, value };
  }
  return { ok: false, why: 'no source (header, json, meta or regex) given' };
}

/** `content` of the first `<meta name="…">` (any attribute order, any quoting). */
export function readMeta(html: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const named = new RegExp(`\\bname\\s*=\\s*(?:"${escaped}"|'${escaped}'|${escaped}(?=[\\s>/]))`, 'i');
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!named.test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if (content) return decodeEntities(content[1] ?? content[2] ?? content[3] ?? '');
  }
  return undefined;
}

const ENTITIES: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", apos: "'" };

function decodeEntities(text: string): string {
  return text.replace(/&(amp|lt|gt|quot|#39|apos);/g, (_, entity: string) => ENTITIES[entity] ?? '');
}

/** `GET /version ($.version)`, `GET / (header x-app-version)`: where the value was read. */
export function sourceLabel(check: RuntimeCheck, method: string, path: string): string {
  const where = check.header
    ? `header ${check.header.toLowerCase()}`
    : check.json
      ? check.json
      : check.meta
        ? `<meta name="${check.meta}">`
        : `/${check.regex}/`;
  return `${method} ${path} (${where})`;
}

/** Who answered this exchange: its identifying headers and the remote address. */
export function servedByOf(observation: HttpObservation): string | undefined {
  const headers = servedByHeaders(observation.headers);
  const parts: string[] = headers === undefined ? [] : [headers];
  if (observation.remoteAddress) parts.push(observation.remotePort ? `${observation.remoteAddress}:${observation.remotePort}` : observation.remoteAddress);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

/**
 * Reads one runtime truth and compares it with what should be served. Returns the symptom,
 * never the verdict: a mismatch or an absent value is a `runtime` symptom (src/classify makes
 * it drift), an error status on the request a `response` symptom, no response `transport`.
 */
export async function runRuntimeCheck(step: RuntimeStep, ctx: StepContext): Promise<StepOutcome> {
  const built = requestInContext(step.check.request ?? 'GET /', ctx);
  if (!built.ok) return { status: 'error', error: { code: 'REQUEST_INVALID', message: built.message } };
  const kind = step.what;
  const wanted = step.expected === undefined || step.expected.trim() === '' ? undefined : step.expected.trim();
  const request = built.request;
  const source = sourceLabel(step.check, request.method, pathOf(request.url));
  const key: TruthRead['key'] = kind === 'fact' ? `fact:${step.name ?? '?'}` : kind;
  const truth = (served: string | undefined): TruthRead => ({
    key,
    value: { source, ...(wanted === undefined ? {} : { expected: wanted }), ...(served === undefined ? {} : { served }) },
  });
  const where = { method: request.method, url: request.url };
  const result = await probeInContext(request, ctx);
  if (!result.ok) {
    if (ctx.signal.aborted) return { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } };
    return {
      status: 'failed',
      symptom: { kind: 'transport', request: where, code: result.error.code, message: result.error.message, phase: result.error.phase, timeoutMs: request.timeoutMs },
      truth: truth(undefined),
      ...tracedBy(result.partial?.traceparent),
    };
  }
  const observation = result.observation;
  if (observation.status >= 400) {
    const failed: AssertionResult[] = [
      { kind: 'status', expression: `status (${observation.status}) in [2xx, 3xx]`, expected: '2xx or 3xx', actual: observation.status, passed: false },
    ];
    return { status: 'failed', symptom: { kind: 'response', request: where }, assertions: failed, observation, truth: truth(undefined) };
  }

  const servedBy = servedByOf(observation);
  const read = readRuntimeValue(step.check, observation);
  const subject = kind === 'fact' ? `fact ${step.name ?? '?'}` : kind;
  const assertionKind = kind;
  if (!read.ok) {
    const assertion: AssertionResult = {
      kind: assertionKind,
      subject: source,
      expression: `${truthExpression(kind, undefined, wanted, step.name)} (${read.why})`,
      expected: wanted ?? 'a value',
      actual: undefined,
      passed: false,
    };
    return {
      status: 'failed',
      symptom: { kind: 'runtime', check: kind, ...(step.name === undefined ? {} : { name: step.name }), ...(wanted === undefined ? {} : { expected: wanted }), source, why: read.why, ...(servedBy ? { servedBy } : {}) },
      assertions: [assertion],
      observation,
      truth: truth(undefined),
    };
  }

  const served = read.value;
  if (wanted === undefined) {
    const seen: AssertionResult = { kind: assertionKind, subject: source, expression: `${subject} exposed (${JSON.stringify(served)})`, expected: 'a value', actual: served, passed: true };
    return { status: 'passed', assertions: [seen], observation, truth: truth(served) };
  }
  const passed = served === wanted;
  const assertion: AssertionResult = { kind: assertionKind, subject: source, expression: truthExpression(kind, served, wanted, step.name), expected: wanted, actual: served, passed };
  if (passed) return { status: 'passed', assertions: [assertion], observation, truth: truth(served) };
  return {
    status: 'failed',
    symptom: { kind: 'runtime', check: kind, ...(step.name === undefined ? {} : { name: step.name }), expected: wanted, served, source, ...(servedBy ? { servedBy } : {}) },
    assertions: [assertion],
    observation,
    truth: truth(served),
  };
}
