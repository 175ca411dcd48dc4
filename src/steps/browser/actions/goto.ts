/**
 * goto: opens a page, and waits for what a user waits for — the document, parsed
 * (DOMContentLoaded). Not for third-party requests, images, websockets, server-sent events
 * or long polls: those never keep a page "unsettled"; the next step's auto-wait covers the
 * rest. An explicit `waitUntil: load | networkidle` is honoured as written.
 *
 * The navigation fails the step when Chromium could not reach the target (net::ERR_…) or
 * the document answered >= 400; src/classify decides the layer from the evidence.
 */
import type { StepOf } from '../../../journey/schema.js';
import type { StepOutcome } from '../../types.js';
import { isTargetClosed, netErrorCode } from '../errors.js';
import type { StepScope } from '../run-step.js';
import { displayUrl, resolveUrl } from '../url-match.js';
import { within } from '../../../util/within.js';

/**
 * How long a failed document may take to arrive in full after its headers. Its body says who
 * wrote the reply (a maintenance page in front of the app is `proxy`, an unknown body on a
 * 503 is the app's), so the verdict must not depend on whether the body arrived before the
 * evidence was taken: goto waits for it, within the step's budget. Error pages are small;
 * this bounds one that never ends.
 */
const ERROR_DOCUMENT_WAIT_MS = 5_000;

/** Resource types whose loading blocks DOMContentLoaded when first-party (the page's own). */
const BLOCKING: ReadonlySet<string> = new Set(['script', 'stylesheet', 'document']);

export async function runGoto(step: StepOf<'goto'>, scope: StepScope): Promise<StepOutcome> {
  const { ctx, page, attempt } = scope;
  const raw = typeof step.goto === 'string' ? step.goto : step.goto.url;
  const explicit = typeof step.goto === 'string' ? undefined : step.goto.waitUntil;
  const url = resolveUrl(raw, ctx.target);
  if (url === undefined) {
    return { status: 'error', error: { code: 'NO_TARGET', message: `goto ${raw}: a relative URL needs a journey target (target: \${BASE_URL})` } };
  }
  // A secret in the URL (a magic-link token) marks the attempt in drivers.ts: no trace is kept.
  const shown = displayUrl(url, ctx.target);

  let response;
  try {
    response = await page.goto(url, { timeout: scope.left(), waitUntil: explicit ?? 'commit' });
  } catch (error) {
    if (isTargetClosed(error)) throw error;
    if (scope.isTimeout(error)) {
      const what = explicit === undefined ? 'the document did not arrive' : `the page did not reach "${explicit}"`;
      return scope.fail({ symptom: 'timeout', message: `goto ${shown}: ${what} within ${scope.budgetText}` });
    }
    const document = (await attempt.recorder.snapshot({ bodies: false })).document;
    const code = netErrorCode(document?.failure) ?? netErrorCode(error instanceof Error ? error.message : String(error));
    if (code === undefined) throw error;
    return scope.fail({ symptom: 'navigation-failed', message: `goto ${shown}: ${code}`, navigationError: code });
  }

  const status = response?.status();
  if (response && status !== undefined && status >= 400) {
    // The user sees the error page once it has loaded; the evidence needs its body.
    await within(response.finished(), Math.min(ERROR_DOCUMENT_WAIT_MS, scope.left()));
    return scope.fail({
      symptom: 'navigation-failed',
      message: `GET ${shown} → ${status}`,
      assertions: [{ kind: 'status', expression: `document status (${status}) < 400`, subject: shown, expected: '< 400', actual: status, passed: false }],
    });
  }
  if (explicit !== undefined) return { status: 'passed' };

  try {
    await page.waitForLoadState('domcontentloaded', { timeout: scope.left() });
  } catch (error) {
    if (!scope.isTimeout(error)) throw error;
    // Still parsing when the budget ran out: only the page's OWN blocking resources make that
    // a failure; a third-party script holding the parser is noted, and the next step decides.
    const seen = await attempt.recorder.snapshot({ bodies: false });
    if (seen.pendingRequests.some((r) => r.resourceType !== undefined && BLOCKING.has(r.resourceType))) {
      return scope.fail({ symptom: 'timeout', message: `goto ${shown}: the page's own scripts or styles did not finish loading within ${scope.budgetText}` });
    }
  }
  return { status: 'passed' };
}
