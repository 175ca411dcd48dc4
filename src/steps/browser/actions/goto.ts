/**
 * goto: opens a page. The navigation fails the step when Chromium could not reach the
 * target (net::ERR_…, layer endpoint) or the document answered >= 400 (route, auth,
 * proxy, app — the classifier decides from the status and headers).
 */
import type { StepOf } from '../../../journey/schema.js';
import type { StepOutcome } from '../../types.js';
import { isTargetClosed, netErrorCode } from '../errors.js';
import type { StepScope } from '../run-step.js';
import { displayUrl, resolveUrl } from '../url-match.js';

export async function runGoto(step: StepOf<'goto'>, scope: StepScope): Promise<StepOutcome> {
  const { ctx, page, attempt } = scope;
  const raw = typeof step.goto === 'string' ? step.goto : step.goto.url;
  const waitUntil = typeof step.goto === 'string' ? 'load' : (step.goto.waitUntil ?? 'load');
  const url = resolveUrl(raw, ctx.target);
  if (url === undefined) {
    return { status: 'error', error: { code: 'NO_TARGET', message: `goto ${raw}: a relative URL needs a journey target (target: \${BASE_URL})` } };
  }
  // A secret in the URL (a magic-link token) marks the attempt in drivers.ts: no trace is kept.
  const shown = displayUrl(url, ctx.target);

  let response;
  try {
    response = await page.goto(url, { timeout: scope.left(), waitUntil });
  } catch (error) {
    if (isTargetClosed(error)) throw error;
    if (scope.isTimeout(error)) {
      return scope.fail({ symptom: 'timeout', message: `goto ${shown}: the page did not reach "${waitUntil}" within ${scope.budgetText}` });
    }
    const document = attempt.recorder.snapshot().document;
    const code = netErrorCode(document?.failure) ?? netErrorCode(error instanceof Error ? error.message : String(error));
    if (code === undefined) throw error;
    return scope.fail({ symptom: 'navigation-failed', message: `goto ${shown}: ${code}`, navigationError: code });
  }

  const status = response?.status();
  if (status !== undefined && status >= 400) {
    return scope.fail({
      symptom: 'navigation-failed',
      message: `GET ${shown} → ${status}`,
      assertions: [{ kind: 'status', expression: `document status (${status}) < 400`, subject: shown, expected: '< 400', actual: status, passed: false }],
    });
  }
  return { status: 'passed' };
}
