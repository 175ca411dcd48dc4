/**
 * Evidence of a browser step: the observation (what the page did), masked screenshots,
 * and the failed outcome with its symptom. No verdict here: src/classify judges it.
 *
 * Time: evidence is gathered after the step's own budget is spent, and the runner calls
 * a step hung 2s past its deadline, so all of it fits in EVIDENCE_BUDGET_MS and each
 * piece is best effort (a missing screenshot never hides the failure).
 */
import type { Page, Locator as PwLocator } from 'playwright-core';
import type { AssertionResult, BrowserObservation, EvidenceFile, PageSymptom } from '../../result/types.js';
import type { BrowserAttempt, Redactor, StepContext, StepOutcome } from '../types.js';
import { collectCandidates } from './candidates.js';
import { describeTarget } from './locator.js';
import type { Target } from './locator.js';
import { MAX_BODY } from './recorder.js';
import type { DocumentSeen } from './recorder.js';
import { within } from '../../util/within.js';

export type Symptom = PageSymptom;

export const EVIDENCE_BUDGET_MS = 2_500;
const CANDIDATES_BUDGET_MS = 500;

/**
 * What to paint over: every password input, every input or textarea whose current value
 * holds a secret (a token typed into a plain text field), and the innermost elements whose
 * text holds a secret (an app that echoes what was typed: "Unknown password …").
 */
export async function secretMasks(page: Page, redactor: Pick<Redactor, 'holdsSecret'>): Promise<PwLocator[]> {
  const fields = page.locator('input, textarea');
  const masks = [page.locator('input[type="password" i]')];
  const values = await fields
    .evaluateAll((elements) => elements.map((element) => (element as HTMLInputElement).value ?? ''))
    .catch(() => [] as string[]);
  values.forEach((value, index) => {
    if (value.length > 0 && redactor.holdsSecret(value)) masks.push(fields.nth(index));
  });
  masks.push(...(await secretTextMasks(page, redactor)));
  return masks;
}

/** Elements scanned for secret text at most: a pathological page must not stall evidence. */
const MAX_TEXT_ELEMENTS = 5_000;

/**
 * The innermost elements whose text holds a secret: an element matches and none of its
 * children does (a secret split across children masks their parent). One cheap check of
 * the whole body first, so pages without a secret on screen cost a single call.
 */
async function secretTextMasks(page: Page, redactor: Pick<Redactor, 'holdsSecret'>): Promise<PwLocator[]> {
  const bodyText = await page
    .locator('body')
    .evaluate((body) => body.textContent ?? '')
    .catch(() => '');
  if (!redactor.holdsSecret(bodyText)) return [];
  const elements = page.locator('body *');
  const texts = await elements
    .evaluateAll(
      (all, max) => all.slice(0, max).map((el) => ({ text: el.textContent ?? '', children: Array.from(el.children, (c) => c.textContent ?? '') })),
      MAX_TEXT_ELEMENTS,
    )
    .catch(() => [] as { text: string; children: string[] }[]);
  const masks: PwLocator[] = [];
  texts.forEach(({ text, children }, index) => {
    if (redactor.holdsSecret(text) && !children.some((child) => redactor.holdsSecret(child))) masks.push(elements.nth(index));
  });
  // Text straight under <body> (no element of its own) can only be hidden with the body.
  if (masks.length === 0) masks.push(page.locator('body'));
  return masks;
}

export async function maskedScreenshot(
  page: Page,
  redactor: Pick<Redactor, 'holdsSecret'>,
  options: { timeoutMs: number; fullPage?: boolean },
): Promise<Buffer> {
  const mask = await secretMasks(page, redactor);
  return page.screenshot({
    mask,
    fullPage: options.fullPage ?? false,
    timeout: Math.max(1, options.timeoutMs),
    animations: 'disabled',
    caret: 'hide',
  });
}

export function evidenceName(ctx: Pick<StepContext, 'journey' | 'attempt' | 'phase' | 'index'>, suffix: string): string {
  return `${ctx.journey}-a${ctx.attempt}-${ctx.phase}-${ctx.index}-${suffix}`;
}

export interface FailureInput {
  readonly symptom: Symptom;
  /** Short, user-facing. */
  readonly message: string;
  readonly assertions?: readonly AssertionResult[];
  /** The locator that did not match (candidates are collected for it unless given). */
  readonly target?: Target;
  readonly candidates?: readonly string[];
  readonly matchCount?: number;
  readonly navigationError?: string;
}

export interface FailureScope {
  readonly ctx: StepContext;
  readonly attempt: BrowserAttempt;
  /** The action key: goto, click… */
  readonly kind: string;
  /** Readable step label: `click role=button[name="Submit"]`. */
  readonly label: string;
}

const WANTS_CANDIDATES: ReadonlySet<Symptom> = new Set(['locator-missing', 'assertion-failed']);

/** Title and first heading of the page: a soft "Page not found" shows there. */
async function pageHeadings(page: Page, ms: number): Promise<{ title?: string; heading?: string }> {
  const read = await within(
    page.evaluate(() => ({
      title: document.title,
      heading: (document.querySelector('h1')?.textContent ?? '').replace(/\s+/g, ' ').trim().slice(0, 200),
    })),
    ms,
  );
  return {
    ...(read?.title ? { title: read.title } : {}),
    ...(read?.heading ? { heading: read.heading } : {}),
  };
}

/**
 * The failed document's markup as the page shows it, for when the browser did not give its
 * body: Chromium's Network.getResponseBody fails now and then ("No resource with given
 * identifier found", a renderer swapped under the request), and "who wrote this reply" must
 * not flip with it. Only an HTML document that answered >= 400 and is still the page shown:
 * its markup is what the stock-page and maintenance rules read. Bounded; undefined otherwise
 * (the body stays unknown).
 */
export async function renderedErrorDocument(page: Page, seen: DocumentSeen | undefined, ms: number): Promise<string | undefined> {
  if (seen === undefined || seen.body !== undefined || seen.status === undefined || seen.status < 400) return undefined;
  if (!/\bhtml\b/i.test(seen.headers?.['content-type'] ?? '') || page.url() !== seen.url) return undefined;
  const markup = await within(
    page.evaluate((max) => (document.contentType === 'text/html' ? document.documentElement.outerHTML.slice(0, max) : null), MAX_BODY),
    ms,
  );
  return markup ?? undefined;
}

/** What the page did and looks like, for a failed step: plain data for src/classify. */
export async function observe(scope: FailureScope, input: FailureInput, budgetEnd: number): Promise<BrowserObservation> {
  const { page, recorder } = scope.attempt;
  const { clock } = scope.ctx;
  const [seen, candidates, headings] = await Promise.all([
    recorder.snapshot({ scope: 'page', bodies: true }),
    input.candidates !== undefined
      ? Promise.resolve(input.candidates)
      : input.target && WANTS_CANDIDATES.has(input.symptom)
        ? within(collectCandidates(page, input.target, CANDIDATES_BUDGET_MS), CANDIDATES_BUDGET_MS)
        : Promise.resolve(undefined),
    pageHeadings(page, Math.max(1, Math.min(300, budgetEnd - clock.now()))),
  ]);
  const third = seen.thirdParty;
  const documentBody = seen.document?.body ?? (await renderedErrorDocument(page, seen.document, Math.max(1, Math.min(500, budgetEnd - clock.now()))));
  return {
    kind: 'browser',
    url: page.url(),
    ...headings,
    ...(seen.document?.status !== undefined ? { documentStatus: seen.document.status } : {}),
    ...(seen.document?.headers ? { documentHeaders: seen.document.headers } : {}),
    ...(documentBody !== undefined ? { documentBody } : {}),
    failedRequests: seen.failedRequests,
    ...(seen.pendingRequests.length > 0 ? { pendingRequests: seen.pendingRequests } : {}),
    consoleErrors: seen.consoleErrors,
    pageErrors: seen.pageErrors,
    ...(third.failedRequests.length > 0 || third.scriptErrors.length > 0 ? { thirdParty: third } : {}),
    ...(seen.baselines.length > 0 ? { baselines: seen.baselines } : {}),
    ...(input.target ? { locator: describeTarget(input.target) } : {}),
    ...(candidates && candidates.length > 0 ? { candidates } : {}),
    ...(input.matchCount !== undefined ? { matchCount: input.matchCount } : {}),
    ...(input.navigationError ? { navigationError: input.navigationError } : {}),
  };
}

/** The failed outcome: the symptom, the observation and a masked screenshot. */
export async function failStep(scope: FailureScope, input: FailureInput): Promise<StepOutcome> {
  const { ctx, attempt } = scope;
  const budgetEnd = ctx.clock.now() + EVIDENCE_BUDGET_MS;
  const observation = await observe(scope, input, budgetEnd);
  const evidence: EvidenceFile[] = [];
  const left = budgetEnd - ctx.clock.now();
  const shot = left > 50 ? await within(maskedScreenshot(attempt.page, ctx.secrets, { timeoutMs: left - 50 }), left) : undefined;
  if (shot) {
    const file = await ctx.evidence.write(evidenceName(ctx, 'failure.png'), shot, 'screenshot', `page when "${scope.label}" failed`).catch(() => undefined);
    if (file) evidence.push(file);
  }
  return {
    status: 'failed',
    symptom: { kind: 'page', what: input.symptom, message: input.message },
    observation,
    ...(input.assertions ? { assertions: input.assertions } : {}),
    ...(evidence.length > 0 ? { evidence } : {}),
  };
}
