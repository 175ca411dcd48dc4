/**
 * Runtime truth (DESIGN §1 `runtime`): the served version or environment identity is not
 * the expected one, or the target does not say → `drift`. The check runs before any stage,
 * so a drift failure means every later verdict would have been about the wrong build or
 * the wrong environment.
 *
 * Hint forms (stable: people grep for them, tests assert them):
 * - `serving 2.1.0, expected 2.0.3: the running container is not the intended build — …`
 * - `environment staging answered where production was expected: … wrong environment — …`
 * - `no version exposed at GET /version ($.version): … — …`
 * Who answered (server / via / remote address) goes into the reason, not the hint, so the
 * hint keeps its form.
 */
import type { Failure } from '../result/types.js';
import { oneLine } from '../util/format.js';

export interface DriftInput {
  /** Which truth was checked. */
  readonly kind: 'version' | 'environment' | 'fact';
  /** The fact's name, for `fact`. */
  readonly name?: string;
  /** What should be served; undefined when nothing is expected (only absence can fail then). */
  readonly expected: string | undefined;
  /** What the target said; undefined when it said nothing (missing field/header). */
  readonly served: string | undefined;
  /** Where the served value came from: `GET /version ($.version)`, `GET / (header x-app-version)`. */
  readonly source: string;
  /** Why nothing was read, when `served` is undefined: `the response has no x-app-version header`. */
  readonly why?: string;
  /** Who answered (server / via / x-served-by / remote address), when known. */
  readonly servedBy?: string;
  /** The failed assertion as the driver wrote it, used as the message when given. */
  readonly expression?: string;
}

const NOUN = { version: 'version', environment: 'environment identity', fact: 'value' } as const;

/** `version ("2.1.0") == "2.0.3"`, `fact workflow-enabled ("false") == "true"`: the condition as written, with what was seen. */
export function driftExpression(kind: DriftInput['kind'], served: string | undefined, expected: string | undefined, name?: string): string {
  const subject = kind === 'fact' && name !== undefined ? `fact ${name}` : kind;
  return `${subject} (${served === undefined ? 'missing' : JSON.stringify(served)}) == ${expected === undefined ? 'a value' : JSON.stringify(expected)}`;
}

/** Failure for a version or environment mismatch, or for a target that does not say. */
export function classifyDrift(input: DriftInput): Failure {
  const by = input.servedBy === undefined ? '' : ` (answered by ${oneLine(input.servedBy, 80)})`;
  if (input.kind === 'fact') return factFailure(input, by);
  if (input.served === undefined) {
    const noun = NOUN[input.kind];
    const why = input.why ?? 'nothing there';
    return {
      layer: 'drift',
      message: `no ${noun} exposed at ${input.source}: ${oneLine(why, 120)}`,
      hint: `no ${noun} exposed at ${input.source}: the running build does not say what it is — check the container runs the intended image and still exposes its ${noun} there`,
      reason: `${why}${by}`,
    };
  }
  const served = oneLine(input.served, 60);
  const expected = oneLine(input.expected ?? '', 60);
  const message = input.expression ?? driftExpression(input.kind, input.served, input.expected);
  const reason = `${input.source} answered ${served}${by}`;
  if (input.kind === 'environment') {
    return {
      layer: 'drift',
      message,
      hint: `environment ${served} answered where ${expected} was expected: pathproof is talking to the wrong environment — check the base URL, DNS, the ingress and --env before anything else`,
      reason,
    };
  }
  return {
    layer: 'drift',
    message,
    hint: `serving ${served}, expected ${expected}: the running container is not the intended build — check the image tag the orchestrator actually runs, and whether old replicas still get traffic, before the code`,
    reason,
  };
}

/** A named in-platform fact (a plugin enabled, a flag, a migration) is off or not readable. */
function factFailure(input: DriftInput, by: string): Failure {
  const name = input.name ?? 'fact';
  if (input.served === undefined) {
    const why = input.why ?? 'nothing there';
    return {
      layer: 'drift',
      message: `fact ${name}: nothing read at ${input.source}: ${oneLine(why, 120)}`,
      hint: `fact ${name} could not be read at ${input.source}: the platform does not expose the state this path depends on — check that the plugin, flag or migration exists in this environment`,
      reason: `${why}${by}`,
    };
  }
  const served = oneLine(input.served, 60);
  const expected = oneLine(input.expected ?? '', 60);
  return {
    layer: 'drift',
    message: input.expression ?? driftExpression('fact', input.served, input.expected, name),
    hint: `fact ${name} is ${served}, expected ${expected}: the platform's state differs from what this path needs — check the plugin, feature flag or migration in this environment before the code`,
    reason: `${input.source} answered ${served}${by}`,
  };
}
