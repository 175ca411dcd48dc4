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
      runBrowserStep({ kind, label: step.name ?? `${kind} ${label(step)}`, timeoutMs: step.timeout }, ctx, (scope) => body(step, scope)),
  };
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
