/**
 * The browser step kinds: one driver per action key, how each is labelled when it has no
 * `name:`, and that each needs a browser. Checked with `satisfies`, so a new step kind in
 * the schema without an entry fails to compile.
 *
 * Labels and needs are known here without loading anything of the browser; how a kind runs
 * (run-kind.ts: actions, locator search, evidence) is imported on the first browser step.
 */
import type { StepOf } from '../../journey/schema.js';
import type { StepContext, StepDriver, StepKindEntry, StepOutcome } from '../types.js';
import type { BrowserStepKind } from '../kinds.js';
import { clickTarget, describeLocator, describeTarget, locatorFields, seeTarget } from './locator.js';
import { budgetText } from './budget.js';
import type * as RunKindModule from './run-kind.js';

type RunKind = typeof RunKindModule;
let runKind: Promise<RunKind> | undefined;
const loadRunKind = (): Promise<RunKind> => (runKind ??= import('./run-kind.js'));

function entry<K extends BrowserStepKind>(kind: K, label: (step: StepOf<K>) => string): StepKindEntry<K> {
  const driver: StepDriver<K> = {
    run: async (step: StepOf<K>, ctx: StepContext): Promise<StepOutcome> => (await loadRunKind()).runBrowserKind(kind, step, ctx),
  };
  return {
    driver,
    label: (step) => `${kind} ${label(step)}`,
    needsBrowser: () => true,
    warnAfter: (step) => (step.warnAfter === undefined ? undefined : { budget: 'warnAfter', ms: step.warnAfter }),
  };
}

/** `wait: 2s` is a pause: no page, no browser (an HTTP-only journey may space its requests). */
const waitEntry: StepKindEntry<'wait'> = (() => {
  const inBrowser = entry('wait', (s) => (typeof s.wait === 'number' ? budgetText(s.wait) : JSON.stringify(s.wait)));
  return {
    ...inBrowser,
    needsBrowser: (step) => typeof step.wait !== 'number',
    driver: {
      run: async (step, ctx) => {
        const wait = step.wait;
        return typeof wait === 'number' ? (await loadRunKind()).pause(wait, ctx) : inBrowser.driver.run(step, ctx);
      },
    },
  };
})();

export const BROWSER_STEPS = {
  goto: entry('goto', (s) => (typeof s.goto === 'string' ? s.goto : s.goto.url)),
  click: entry('click', (s) => describeTarget(clickTarget(s.click))),
  fill: entry('fill', (s) => describeLocator(locatorFields(s.fill))),
  press: entry('press', (s) => (typeof s.press === 'string' ? s.press : `${s.press.key} on ${describeLocator(locatorFields(s.press))}`)),
  select: entry('select', (s) => describeLocator(locatorFields(s.select))),
  check: entry('check', (s) => (typeof s.check === 'string' ? `label=${JSON.stringify(s.check)}` : describeLocator(locatorFields(s.check)))),
  see: entry('see', (s) => describeTarget(seeTarget(s.see))),
  notSee: entry('notSee', (s) => describeTarget(seeTarget(s.notSee))),
  expectUrl: entry('expectUrl', (s) => JSON.stringify(s.expectUrl)),
  screenshot: entry('screenshot', (s) => (typeof s.screenshot === 'string' ? s.screenshot : 'page')),
  wait: waitEntry,
} satisfies { [K in BrowserStepKind]: StepKindEntry<K> };
