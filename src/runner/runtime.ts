/**
 * Runtime truth (DESIGN §1 `runtime`): what is actually serving, read before any stage.
 * A served version other than the expected one, or the wrong environment answering, is
 * layer `drift`: the repository and the deploy script may say 2.0.3, the socket says 2.1.0.
 */
import { classifyHttp } from '../classify/http.js';
import { remaining } from '../result/clock.js';
import type { AssertionResult, Failure, HttpObservation } from '../result/types.js';
import type { RuntimeCheck } from '../journey/schema.js';
import { evaluateJsonPath } from '../steps/http/json-path.js';
import { probe } from '../steps/http/probe.js';
import { buildProbeRequest } from '../steps/http/request.js';
import type { StepContext, StepOutcome } from '../steps/types.js';

export type RuntimeKind = 'version' | 'environment';

export interface RuntimeCheckOutcome {
  readonly outcome: StepOutcome;
  readonly label: string;
  readonly served?: string;
  readonly expected?: string;
  readonly source: string;
}

/** Reads the value a runtime check points at, or says why nothing was found there. */
export function readRuntimeValue(
  check: RuntimeCheck,
  observation: HttpObservation,
): { ok: true; value: string } | { ok: false; why: string } {
  if (check.header !== undefined) {
    const value = observation.headers[check.header.toLowerCase()];
    return value === undefined ? { ok: false, why: `no ${check.header} header` } : { ok: true, value };
  }
  if (check.json !== undefined) {
    let doc: unknown;
    try {
      doc = JSON.parse(observation.body);
    } catch {
      return { ok: false, why: 'the body is not JSON' };
    }
    const found = evaluateJsonPath(doc, check.json);
    if (!found.ok) return { ok: false, why: found.message };
    const [first] = found.values;
    if (first === undefined || first === null) return { ok: false, why: `nothing at ${check.json}` };
    return { ok: true, value: typeof first === 'string' ? first : JSON.stringify(first) };
  }
  if (check.meta !== undefined) {
    const value = readMeta(observation.body, check.meta);
    return value === undefined ? { ok: false, why: `no <meta name="${check.meta}">` } : { ok: true, value };
  }
  if (check.regex !== undefined) {
    let pattern: RegExp;
    try {
      pattern = new RegExp(check.regex);
    } catch (error) {
      return { ok: false, why: `invalid regex ${check.regex}: ${(error as Error).message}` };
    }
    const match = pattern.exec(observation.body);
    const value = match?.[1] ?? match?.[0];
    return value === undefined ? { ok: false, why: `no match for /${check.regex}/` } : { ok: true, value };
  }
  return { ok: false, why: 'no source (header, json, meta or regex) given' };
}

function readMeta(html: string, name: string): string | undefined {
  const escaped = name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  for (const tag of html.match(/<meta\b[^>]*>/gi) ?? []) {
    if (!new RegExp(`\\bname\\s*=\\s*["']?${escaped}["'\\s>/]`, 'i').test(tag)) continue;
    const content = /\bcontent\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/i.exec(tag);
    if (content) return content[1] ?? content[2] ?? content[3];
  }
  return undefined;
}

function sourceLabel(check: RuntimeCheck, method: string, path: string): string {
  const where = check.header
    ? `header ${check.header}`
    : check.json
      ? check.json
      : check.meta
        ? `<meta name="${check.meta}">`
        : `/${check.regex}/`;
  return `${method} ${path} (${where})`;
}

export async function checkRuntime(
  kind: RuntimeKind,
  check: RuntimeCheck,
  expected: string | undefined,
  ctx: StepContext,
): Promise<RuntimeCheckOutcome> {
  const built = buildProbeRequest(check.request ?? 'GET /', ctx.target);
  const label = `runtime.${kind}`;
  if (!built.ok) {
    return { label, source: '', outcome: { status: 'error', error: { code: 'REQUEST_INVALID', message: built.message } } };
  }
  const request = {
    ...built.request,
    maxRedirects: ctx.http.maxRedirects,
    timeoutMs: remaining(ctx.clock, ctx.deadline),
    maxBodyBytes: ctx.http.maxBodyBytes,
  };
  const path = safePath(request.url);
  const source = sourceLabel(check, request.method, path);
  const dispatcher = ctx.insecure ? ctx.http.insecureDispatcher : ctx.http.dispatcher;
  const result = await probe(request, { dispatcher, clock: ctx.clock, signal: ctx.signal });
  const where = { method: request.method, url: request.url };
  if (!result.ok) {
    if (ctx.signal.aborted) {
      return { label, source, outcome: { status: 'error', error: { code: 'INTERRUPTED', message: 'the run was interrupted' } } };
    }
    return { label, source, outcome: { status: 'failed', failure: classifyHttp({ request: where, transport: result.error, failed: [] }) } };
  }
  const observation = result.observation;
  if (observation.status >= 400) {
    const failed: AssertionResult[] = [
      { kind: 'status', expression: `status (${observation.status}) in [2xx, 3xx]`, expected: '2xx', actual: observation.status, passed: false },
    ];
    return { label, source, outcome: { status: 'failed', failure: classifyHttp({ request: where, observation, failed }), assertions: failed, observation } };
  }

  const read = readRuntimeValue(check, observation);
  const noun = kind === 'version' ? 'version' : 'environment identity';
  if (!read.ok) {
    const assertion: AssertionResult = {
      kind,
      subject: source,
      expression: `${kind} exposed at ${source}`,
      expected: expected ?? 'a value',
      actual: read.why,
      passed: false,
    };
    const failure: Failure = {
      layer: 'drift',
      message: `no ${noun} exposed at ${source}: ${read.why}`,
      hint: `no ${noun} exposed at ${source}: the running build does not say what it is — check the container runs the intended image and exposes its ${noun}`,
      reason: read.why,
    };
    return { label, source, expected, outcome: { status: 'failed', failure, assertions: [assertion], observation } };
  }

  const served = read.value;
  if (expected === undefined || expected === '') {
    return { label, source, served, outcome: { status: 'passed', assertions: [], observation } };
  }
  const passed = served === expected;
  const assertion: AssertionResult = {
    kind,
    subject: source,
    expression: `${kind} (${JSON.stringify(served)}) == ${JSON.stringify(expected)}`,
    expected,
    actual: served,
    passed,
  };
  if (passed) return { label, source, served, expected, outcome: { status: 'passed', assertions: [assertion], observation } };
  const failure: Failure =
    kind === 'version'
      ? {
          layer: 'drift',
          message: assertion.expression,
          hint: `serving ${served}, expected ${expected}: the running container is not the intended build — check the image tag the orchestrator actually runs before the code`,
          reason: `${source} answered ${served}`,
        }
      : {
          layer: 'drift',
          message: assertion.expression,
          hint: `environment ${served} answered where ${expected} was expected: the target points at the wrong environment — check DNS, the ingress and the base URL`,
          reason: `${source} answered ${served}`,
        };
  return { label, source, served, expected, outcome: { status: 'failed', failure, assertions: [assertion], observation } };
}

/** Path only: query strings may carry secrets or tokens. */
function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split('?')[0] ?? url;
  }
}
