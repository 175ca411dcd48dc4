/**
 * Every step kind: its driver, its label, whether it needs a browser. Checked against the
 * schema's kinds with `satisfies`: adding a step kind to the schema without an entry is a
 * type error. The runner asks this registry, never `kind !== 'request'`.
 *
 * Labels and needs are known without loading a driver: the HTTP driver (undici) is imported
 * on the first HTTP step and the browser actions on the first browser step, so `validate`
 * loads neither and an HTTP-only run no browser code.
 */
import type { Journey, StepKind } from '../journey/schema.js';
import { stepKind } from '../journey/schema.js';
import { STAGES } from '../result/types.js';
import { BROWSER_STEPS } from './browser/drivers.js';
import { labelRequest } from './http/label.js';
import type { StepDriver, StepKindEntry, StepRegistry } from './types.js';
import type * as HttpDriver from './http/driver.js';

type HttpDriverModule = typeof HttpDriver;
let httpModule: Promise<HttpDriverModule> | undefined;
const httpDriver: StepDriver<'request'> = {
  run: async (step, ctx) => (await (httpModule ??= import('./http/driver.js'))).httpDriver.run(step, ctx),
};

export const STEP_REGISTRY = {
  request: {
    driver: httpDriver,
    label: labelRequest,
    needsBrowser: () => false,
    warnAfter: (step) => (step.expect?.warnMs === undefined ? undefined : { budget: 'warnMs', ms: step.expect.warnMs }),
  },
  ...BROWSER_STEPS,
} satisfies StepRegistry;

/** True when some step of the journey needs a browser: only then is Playwright loaded. */
export function journeyNeedsBrowser(journey: Journey, registry: StepRegistry = STEP_REGISTRY): boolean {
  return STAGES.some((stage) =>
    (journey[stage] ?? []).some((step) => {
      const kind = stepKind(step);
      return (registry[kind] as StepKindEntry<StepKind>).needsBrowser(step as never);
    }),
  );
}
