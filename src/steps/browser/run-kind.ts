/**
 * How each browser step kind runs: its action under the step's budget and evidence
 * (run-step.ts), with the trace guard every kind shares. Imported by drivers.ts on the first
 * browser step, so `validate` and HTTP-only runs never load the actions, locator search,
 * evidence and candidate matching.
 */
import type { StepOf } from '../../journey/schema.js';
import type { StepContext, StepOutcome } from '../types.js';
import type { BrowserStepKind } from '../kinds.js';
import { runGoto } from './actions/goto.js';
import { runCheck, runClick, runFill, runPress, runSelect } from './actions/interact.js';
import { runExpectUrl } from './actions/expect-url.js';
import { runNotSee, runSee } from './actions/see.js';
import { runScreenshot } from './actions/screenshot.js';
import { pause, runWait } from './actions/wait.js';
import { runBrowserStep } from './run-step.js';
import type { StepScope } from './run-step.js';

type Body<K extends BrowserStepKind> = (step: StepOf<K>, scope: StepScope) => Promise<StepOutcome>;

const BODIES: { readonly [K in BrowserStepKind]: Body<K> } = {
  goto: runGoto,
  click: runClick,
  fill: runFill,
  press: runPress,
  select: runSelect,
  check: runCheck,
  see: runSee,
  notSee: runNotSee,
  expectUrl: runExpectUrl,
  screenshot: runScreenshot,
  wait: runWait,
};

/** Runs one browser step of kind `kind` in the attempt's page. */
export function runBrowserKind<K extends BrowserStepKind>(kind: K, step: StepOf<K>, ctx: StepContext): Promise<StepOutcome> {
  const body = BODIES[kind] as Body<K>;
  return runBrowserStep({ kind, timeoutMs: step.timeout }, ctx, (scope) => guardTrace(step, scope, body));
}

/** `wait: 2s`: a pause, no page and no browser. */
export { pause };

/**
 * A Playwright trace records every value a step hands the browser (typed text, locators,
 * options, URLs) and everything the page shows, and cannot be scrubbed. One rule for every
 * kind, rather than one call per action: when any value of the resolved step (secrets and
 * `{{ captures }}` substituted) holds a secret, or the step captured one from the page, the
 * attempt is marked and its trace is never kept.
 */
async function guardTrace<K extends BrowserStepKind>(step: StepOf<K>, scope: StepScope, body: Body<K>): Promise<StepOutcome> {
  const { ctx, attempt } = scope;
  const holds = (text: string): boolean => ctx.secrets.holdsSecret(text);
  // A target holding a secret (https://user:${secret:…}@host) puts it in every navigation.
  if (anyString(step, holds) || (ctx.target !== undefined && holds(ctx.target))) attempt.noteSecretUsed();
  const before = new Map(ctx.vars);
  try {
    return await body(step, scope);
  } finally {
    for (const [name, value] of ctx.vars) {
      if (before.get(name) !== value && ctx.secrets.holdsSecret(value)) attempt.noteSecretUsed();
    }
  }
}

/** True when `test` holds for any string in a JSON-like value (keys included: a step's keys are fixed words). */
function anyString(value: unknown, test: (text: string) => boolean, depth = 0): boolean {
  if (typeof value === 'string') return test(value);
  if (depth > 16 || typeof value !== 'object' || value === null) return false;
  const items = Array.isArray(value) ? value : Object.values(value);
  return items.some((item) => anyString(item, test, depth + 1));
}
