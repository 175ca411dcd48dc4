/** expectUrl: waits (within the budget) until the page URL meets every condition, then captures. */
import type { StepOf } from '../../../journey/schema.js';
import type { StepOutcome } from '../../types.js';
import type { StepScope } from '../run-step.js';
import { checkUrl, urlExpectation, urlMatches } from '../url-match.js';
import { captureAll } from './capture.js';

export async function runExpectUrl(step: StepOf<'expectUrl'>, scope: StepScope): Promise<StepOutcome> {
  const { page, ctx } = scope;
  const expectation = urlExpectation(step.expectUrl);
  try {
    // `commit`: the URL is what the user sees in the address bar; the page need not have loaded.
    await page.waitForURL((url) => urlMatches(url.href, expectation), { timeout: scope.left(), waitUntil: 'commit' });
  } catch (error) {
    if (!scope.isTimeout(error)) throw error;
  }
  const href = page.url();
  const results = checkUrl(href, expectation, ctx.target);
  const failed = results.find((r) => !r.passed);
  if (failed) {
    const expression = `${failed.expression} (after ${scope.budgetText})`;
    const assertions = results.map((r) => (r === failed ? { ...r, expression } : r));
    return scope.fail({ symptom: 'assertion-failed', message: expression, assertions });
  }
  if (!step.capture) return { status: 'passed', assertions: results };
  // On expectUrl every capture reads the URL: there is no element.
  const { captured, assertions } = await captureAll(
    step.capture,
    { text: async () => href, value: async () => href, attribute: async () => null, url: () => href },
    ctx,
  );
  const all = [...results, ...assertions];
  const failedCapture = assertions.find((a) => !a.passed);
  if (failedCapture) return scope.fail({ symptom: 'assertion-failed', message: failedCapture.expression, assertions: all });
  return { status: 'passed', assertions: all, captured };
}
