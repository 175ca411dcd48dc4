/**
 * Runtime truth (DESIGN §1 `runtime`): what is actually serving, read before any stage.
 * A served version other than the expected one, or the wrong environment answering, is
 * layer `drift`: the repository and the deploy script may say 2.0.3, the socket says 2.1.0.
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
import { classifyDrift, driftExpression } from '../classify/drift.js';
import { pathOf } from '../classify/hints.js';
import { classifyHttp } from '../classify/http.js';
import type { AssertionResult, HttpObservation } from '../result/types.js';
import type { RuntimeCheck } from '../journey/schema.js';
import { evaluateJsonPath } from '../steps/http/json-path.js';
import { probeInContext, requestInContext } from '../steps/http/in-context.js';
import type { StepContext, StepOutcome } from '../steps/types.js';

export type RuntimeKind = 'version' | 'environment';

export interface RuntimeCheckOutcome {
  readonly outcome: StepOutcome;
  readonly label: string;
  readonly served?: string;
  readonly expected?: string;
  readonly source: string;
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
    let pattern: RegExp;
    try {
      pattern = new RegExp(check.regex);
    } catch (error) {
      return { ok: false, why: `invalid regex /${check.regex}/: ${(error as Error).message}` };
    }
    const match = pattern.exec(observation.body);
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

const SERVED_BY_HEADERS = ['x-served-by', 'x-backend', 'x-upstream', 'x-server', 'via', 'server'] as const;

/** Who answered this exchange: its identifying headers and the remote address. */
export function servedByOf(observation: HttpObservation): string | undefined {
  const parts: string[] = SERVED_BY_HEADERS.filter((h) => observation.headers[h]).map((h) => `${h}: ${observation.headers[h]}`);
  if (observation.remoteAddress) parts.push(observation.remotePort ? `${observation.remoteAddress}:${observation.remotePort}` : observation.remoteAddress);
  return parts.length > 0 ? parts.join(', ') : undefined;
}

export async function checkRuntime(
  kind: RuntimeKind,
  check: RuntimeCheck,
  expected: string | undefined,
  ctx: StepContext,
): Promise<RuntimeCheckOutcome> {
  const built = requestInContext(check.request ?? 'GET /', ctx);
  const label = `runtime.${kind}`;
  const wanted = expected === undefined || expected.trim() === '' ? undefined : expected.trim();
  if (!built.ok) {
    return { label, source: '', outcome: { status: 'error', error: { code: 'REQUEST_INVALID', message: built.message } } };
  }
  const request = built.request;
  const path = pathOf(request.url);
  const source = sourceLabel(check, request.method, path);
  const base = { label, source, ...(wanted === undefined ? {} : { expected: wanted }) };
  const result = await probeInContext(request, ctx);
  const where = { method: request.method, url: request.url };
  if (!result.ok) {
    if (ctx.signal.aborted) {
      return { ...base, outcome: { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } } };
    }
    const failure = classifyHttp({ request: where, transport: result.error, failed: [], timeoutMs: request.timeoutMs });
    return { ...base, outcome: { status: 'failed', failure } };
  }
  const observation = result.observation;
  if (observation.status >= 400) {
    const failed: AssertionResult[] = [
      { kind: 'status', expression: `status (${observation.status}) in [2xx, 3xx]`, expected: '2xx or 3xx', actual: observation.status, passed: false },
    ];
    return { ...base, outcome: { status: 'failed', failure: classifyHttp({ request: where, observation, failed }), assertions: failed, observation } };
  }

  const servedBy = servedByOf(observation);
  const read = readRuntimeValue(check, observation);
  if (!read.ok) {
    const failure = classifyDrift({ kind, expected: wanted, served: undefined, source, why: read.why, ...(servedBy ? { servedBy } : {}) });
    const assertion: AssertionResult = {
      kind,
      subject: source,
      expression: `${driftExpression(kind, undefined, wanted)} (${read.why})`,
      expected: wanted ?? 'a value',
      actual: undefined,
      passed: false,
    };
    return { ...base, outcome: { status: 'failed', failure, assertions: [assertion], observation } };
  }

  const served = read.value;
  if (wanted === undefined) {
    const seen: AssertionResult = { kind, subject: source, expression: `${kind} exposed (${JSON.stringify(served)})`, expected: 'a value', actual: served, passed: true };
    return { ...base, served, outcome: { status: 'passed', assertions: [seen], observation } };
  }
  const passed = served === wanted;
  const assertion: AssertionResult = { kind, subject: source, expression: driftExpression(kind, served, wanted), expected: wanted, actual: served, passed };
  if (passed) return { ...base, served, outcome: { status: 'passed', assertions: [assertion], observation } };
  const failure = classifyDrift({ kind, expected: wanted, served, source, ...(servedBy ? { servedBy } : {}) });
  return { ...base, served, outcome: { status: 'failed', failure, assertions: [assertion], observation } };
}

