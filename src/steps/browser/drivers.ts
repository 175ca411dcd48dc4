/**
 * The browser step kinds: one driver per action key, how each is labelled when it has no
 * `name:`, and that each needs a browser. Checked with `satisfies`, so a new step kind in
 * the schema without an entry fails to compile.
 */
import type { StepOf } from '../../journey/schema.js';
import type { StepContext, StepDriver, StepKindEntry, StepOutcome } from '../types.js';
import type { BrowserStepKind } from '../kinds.js';
import { runGoto } from './actions/goto.js';
import { clickTarget, runCheck, runClick, runFill, runPress, runSelect } from './actions/interact.js';
import { runExpectUrl } from './actions/expect-url.js';
import { runNotSee, runSee, seeTarget } from './actions/see.js';
import { runScreenshot } from './actions/screenshot.js';
import { pause, runWait } from './actions/wait.js';
import { describeLocator, describeTarget, locatorFields } from './locator.js';
import { budgetText } from './budget.js';
import { runBrowserStep } from './run-step.js';
import type { StepScope } from './run-step.js';

function entry<K extends BrowserStepKind>(
  kind: K,
  body: (step: StepOf<K>, scope: StepScope) => Promise<StepOutcome>,
  label: (step: StepOf<K>) => string,
): StepKindEntry<K> {
  const driver: StepDriver<K> = {
    run: (step: StepOf<K>, ctx: StepContext) => runBrowserStep({ kind, timeoutMs: step.timeout }, ctx, (scope) => guardTrace(step, scope, body)),
  };
  return {
    driver,
    label: (step) => `${kind} ${label(step)}`,
    needsBrowser: () => true,
    warnAfter: (step) => (step.warnAfter === undefined ? undefined : { budget: 'warnAfter', ms: step.warnAfter }),
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

/** `wait: 2s` is a pause: no page, no browser (an HTTP-only journey may space its requests). */
const waitEntry: StepKindEntry<'wait'> = (() => {
  const inBrowser = entry('wait', runWait, (s) => (typeof s.wait === 'number' ? budgetText(s.wait) : JSON.stringify(s.wait)));
  return {
    ...inBrowser,
    needsBrowser: (step) => typeof step.wait !== 'number',
    driver: { run: (step, ctx) => (typeof step.wait === 'number' ? pause(step.wait, ctx) : inBrowser.driver.run(step, ctx)) },
  };
})();

export const BROWSER_STEPS = {
  goto: entry('goto', runGoto, (s) => (typeof s.goto === 'string' ? s.goto : s.goto.url)),
  click: entry('click', runClick, (s) => describeTarget(clickTarget(s.click))),
  fill: entry('fill', runFill, (s) => describeLocator(locatorFields(s.fill))),
  press: entry('press', runPress, (s) => (typeof s.press === 'string' ? s.press : `${s.press.key} on ${describeLocator(locatorFields(s.press))}`)),
  select: entry('select', runSelect, (s) => describeLocator(locatorFields(s.select))),
  check: entry('check', runCheck, (s) => (typeof s.check === 'string' ? `label=${JSON.stringify(s.check)}` : describeLocator(locatorFields(s.check)))),
  see: entry('see', runSee, (s) => describeTarget(seeTarget(s.see))),
  notSee: entry('notSee', runNotSee, (s) => describeTarget(seeTarget(s.notSee))),
  expectUrl: entry('expectUrl', runExpectUrl, (s) => JSON.stringify(s.expectUrl)),
  screenshot: entry('screenshot', runScreenshot, (s) => (typeof s.screenshot === 'string' ? s.screenshot : 'page')),
  wait: waitEntry,
} satisfies { [K in BrowserStepKind]: StepKindEntry<K> };
