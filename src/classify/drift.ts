/**
 * Runtime truth (DESIGN §1 `runtime`): the served version or environment identity is not
 * the expected one → `drift`. The check runs before any stage, so a drift failure means
 * every later verdict would have been about the wrong build or the wrong environment.
 */
import type { Failure } from '../result/types.js';
import { oneLine } from './hints.js';

export interface DriftInput {
  /** Which truth was checked. */
  readonly kind: 'version' | 'environment';
  readonly expected: string;
  /** What the target said; undefined when it said nothing (missing field/header). */
  readonly served: string | undefined;
  /** Where the served value came from: `GET /version $.version`, `header x-app-version`. */
  readonly source: string;
  /** Who answered (server / via / x-served-by / remote address), when known. */
  readonly servedBy?: string;
}

/** Failure for a version or environment mismatch. */
export function classifyDrift(input: DriftInput): Failure {
  const served = input.served === undefined ? 'nothing' : `"${oneLine(input.served, 60)}"`;
  const expected = `"${oneLine(input.expected, 60)}"`;
  const by = input.servedBy === undefined ? '' : ` (answered by ${oneLine(input.servedBy, 60)})`;
  const message = `${input.kind} (${input.served ?? 'missing'}) == ${input.expected}`;
  const reason = `${input.source} gave ${served}, expected ${expected}`;
  if (input.kind === 'environment') {
    return {
      layer: 'drift',
      hint: `environment is ${served}, expected ${expected}${by}: pathproof is talking to the wrong environment — check the target URL, DNS and --env before anything else`,
      message,
      reason,
    };
  }
  return {
    layer: 'drift',
    hint: `served version is ${served}, expected ${expected}${by}: what answers is not what was deployed — check which image each replica runs and whether old replicas still get traffic`,
    message,
    reason,
  };
}
