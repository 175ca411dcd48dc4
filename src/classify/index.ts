/**
 * The one place a verdict is built. Drivers observe and return a typed symptom; this
 * module turns (step, symptom, observation, assertions, what the attempt saw before) into
 * the {@link Failure}: layer, one-line hint, the evidence that decided and what was set
 * aside. The runner calls it; nothing else classifies.
 *
 * What it does not decide: `failed` versus `error`. A symptom on pathproof's own side (an
 * interrupted run, a request that cannot be sent as written) is the runner's to turn into
 * an error — {@link isRunnerSide} names those — so the target is never blamed for it.
 */
import type { AssertionResult, Failure, Observation, OriginBaseline, StepNote, Symptom } from '../result/types.js';
import { browserNotes, classifyBrowser } from './browser.js';
import { classifyContainer } from './container.js';
import { classifyDrift } from './drift.js';
import { classifyHttp } from './http.js';
import { isRunnerSideCode } from './transport.js';

export interface ClassifyInput {
  /** The step as reports name it: its action key and label. */
  readonly step: { readonly kind: string; readonly label: string };
  readonly symptom: Symptom;
  readonly observation?: Observation;
  readonly assertions?: readonly AssertionResult[];
  /** Normal replies per origin seen earlier in the attempt (who generated an error reply?). */
  readonly baselines?: readonly OriginBaseline[];
}

/** Layer, hint and evidence for one failed step. Pure. */
export function classifyFailure(input: ClassifyInput): Failure {
  const { symptom, observation } = input;
  const assertions = input.assertions ?? [];
  const failed = assertions.filter((a) => !a.passed);
  switch (symptom.kind) {
    case 'transport':
      return classifyHttp({
        request: symptom.request,
        transport: { code: symptom.code, message: symptom.message, ...(symptom.phase === undefined ? {} : { phase: symptom.phase }) },
        failed: [],
        ...(symptom.timeoutMs === undefined ? {} : { timeoutMs: symptom.timeoutMs }),
      });
    case 'response': {
      const http = observation?.kind === 'http' ? observation : undefined;
      const failure = classifyHttp({
        request: symptom.request,
        ...(http === undefined ? {} : { observation: http }),
        failed,
        assertions,
        ...baselineFor(http?.url ?? symptom.request.url, input.baselines),
        ...(symptom.request.sendsCredentials ? { sendsCredentials: true } : {}),
      });
      return http !== undefined && http.status >= 400 ? { ...failure, status: http.status } : failure;
    }
    case 'runtime': {
      const http = observation?.kind === 'http' ? observation : undefined;
      // The runtime request itself failed (404 on /version, 502 from the proxy): the layer
      // before drift is the one to check first.
      if (http !== undefined && http.status >= 400) {
        const failure = classifyHttp({ request: { method: http.method, url: http.url }, observation: http, failed, assertions, ...baselineFor(http.url, input.baselines) });
        return { ...failure, status: http.status };
      }
      return classifyDrift({
        kind: symptom.check,
        ...(symptom.name === undefined ? {} : { name: symptom.name }),
        expected: symptom.expected,
        served: symptom.served,
        source: symptom.source,
        ...(symptom.why === undefined ? {} : { why: symptom.why }),
        ...(symptom.servedBy === undefined ? {} : { servedBy: symptom.servedBy }),
        ...(symptom.served !== undefined && failed[0] !== undefined ? { expression: failed[0].expression } : {}),
      });
    }
    case 'container':
      return (
        classifyContainer({ truth: symptom.truth, assertions }) ?? {
          layer: 'drift',
          hint: `the container check failed without a failed condition (${symptom.truth.selector}) — check the journey's runtime.container`,
          message: 'container check failed',
          reason: 'no failed container assertion was given',
        }
      );
    case 'page': {
      const browser = observation?.kind === 'browser' ? observation : { kind: 'browser' as const, url: '', failedRequests: [], consoleErrors: [], pageErrors: [] };
      return classifyBrowser({
        step: input.step.label,
        kind: input.step.kind,
        observation: browser,
        symptom: symptom.what,
        failed,
        message: symptom.message,
        ...(input.baselines === undefined ? {} : { baselines: input.baselines }),
      });
    }
  }
}

/** True when the symptom is pathproof's own doing: the runner reports it as `error`, never as the target failing. */
export function isRunnerSide(symptom: Symptom): boolean {
  return symptom.kind === 'transport' && isRunnerSideCode(symptom.code);
}

/** Notes a step carries whatever its outcome (third-party failures, page errors of a passing step). */
export function notesOf(observation: Observation | undefined, passed: boolean): StepNote[] {
  if (observation === undefined) return [];
  if (observation.kind === 'browser') return browserNotes(observation, passed);
  if (observation.retriedOnFreshConnection !== undefined) {
    return [
      {
        kind: 'fresh-connection',
        message: `${observation.method} ${safePath(observation.url)}: the server closed the reused keep-alive connection (${observation.retriedOnFreshConnection}); sent again on a fresh connection`,
      },
    ];
  }
  return [];
}

function safePath(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split(/[?#]/, 1)[0] ?? url;
  }
}

function baselineFor(url: string, baselines: readonly OriginBaseline[] | undefined): { baseline?: OriginBaseline } {
  if (baselines === undefined) return {};
  let origin: string;
  try {
    origin = new URL(url).origin;
  } catch {
    return {};
  }
  const found = baselines.find((b) => b.origin === origin);
  return found === undefined ? {} : { baseline: found };
}
