/**
 * The browser step registry: one driver per browser action key, checked with
 * `satisfies` so a new step kind in the schema without a driver fails to compile.
 * Each entry also says how to label the step when it has no `name:`.
 */
import type { StepKind, StepOf } from '../../journey/schema.js';
import type { StepContext, StepDriver, StepOutcome } from '../types.js';
import { runGoto } from './actions/goto.js';
import { clickTarget, runCheck, runClick, runFill, runPress, runSelect } from './actions/interact.js';
import { runExpectUrl } from './actions/expect-url.js';
import { runNotSee, runSee, seeTarget } from './actions/see.js';
import { runScreenshot } from './actions/screenshot.js';
import { runWait } from './actions/wait.js';
import { describeLocator, describeTarget, locatorFields } from './locator.js';
import { formatMs } from './budget.js';
import { runBrowserStep } from './run-step.js';
import type { StepScope } from './run-step.js';

export type BrowserStepKind = Exclude<StepKind, 'request'>;

function driver<K extends BrowserStepKind>(
  kind: K,
  body: (step: StepOf<K>, scope: StepScope) => Promise<StepOutcome>,
  label: (step: StepOf<K>) => string,
): StepDriver<K> {
  return {
    run: (step: StepOf<K>, ctx: StepContext) =>
      runBrowserStep({ kind, label: step.name ?? `${kind} ${label(step)}`, timeoutMs: step.timeout }, ctx, (scope) => guardTrace(step, scope, body)),
  };
}

/**
 * A Playwright trace records every value a step hands the browser (typed text, locators,
 * options, URLs) and everything the page shows, and cannot be scrubbed. One rule for every
 * kind, rather than one call per action: when any value of the resolved step (secrets and
 * `{{ captures }}` substituted) holds a secret, or the step captured one from the page, the
 * attempt is marked and its trace is never kept.
 */
async function guardTrace<K extends BrowserStepKind>(
  step: StepOf<K>,
  scope: StepScope,
  body: (step: StepOf<K>, scope: StepScope) => Promise<StepOutcome>,
): Promise<StepOutcome> {
  const { ctx, attempt } = scope;
  const holds = (text: string): boolean => ctx.redactor.holdsSecret(text);
  // A target holding a secret (https://user:${secret:…}@host) puts it in every navigation.
  if (anyString(step, holds) || (ctx.target !== undefined && holds(ctx.target))) attempt.noteSecretUsed();
  const before = new Map(ctx.vars);
  try {
    return await body(step, scope);
  } finally {
    for (const [name, value] of ctx.vars) {
      if (before.get(name) !== value && ctx.redactor.holdsSecret(value)) attempt.noteSecretUsed();
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

export const BROWSER_DRIVERS = {
  goto: driver('goto', runGoto, (s) => (typeof s.goto === 'string' ? s.goto : s.goto.url)),
  click: driver('click', runClick, (s) => describeTarget(clickTarget(s.click))),
  fill: driver('fill', runFill, (s) => describeLocator(locatorFields(s.fill))),
  press: driver('press', runPress, (s) => (typeof s.press === 'string' ? s.press : `${s.press.key} on ${describeLocator(locatorFields(s.press))}`)),
  select: driver('select', runSelect, (s) => describeLocator(locatorFields(s.select))),
  check: driver('check', runCheck, (s) => (typeof s.check === 'string' ? `label=${JSON.stringify(s.check)}` : describeLocator(locatorFields(s.check)))),
  see: driver('see', runSee, (s) => describeTarget(seeTarget(s.see))),
  notSee: driver('notSee', runNotSee, (s) => describeTarget(seeTarget(s.notSee))),
  expectUrl: driver('expectUrl', runExpectUrl, (s) => JSON.stringify(s.expectUrl)),
  screenshot: driver('screenshot', runScreenshot, (s) => (typeof s.screenshot === 'string' ? s.screenshot : 'page')),
  wait: driver('wait', runWait, (s) => (typeof s.wait === 'number' ? formatMs(s.wait) : JSON.stringify(s.wait))),
} satisfies { [K in BrowserStepKind]: StepDriver<K> };
