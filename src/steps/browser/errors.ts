/**
 * Recognising Playwright errors by type and name, never by message text (STYLE: stable
 * codes). Playwright does not export TargetClosedError; it recognises its own by
 * `name === 'TargetClosedError'`, and so do we.
 */
import type { errors as PlaywrightErrors } from 'playwright';
import { causeChain } from '../../util/errors.js';

export type PlaywrightErrorTypes = typeof PlaywrightErrors;

const causes = (error: unknown): object[] => causeChain(error, 10);

/** The page, context or browser closed under us: a crash, or the run shutting down. */
export function isTargetClosed(error: unknown): boolean {
  return causes(error).some((e) => e instanceof Error && e.name === 'TargetClosedError');
}

export function isTimeout(error: unknown, errors: PlaywrightErrorTypes): boolean {
  return causes(error).some((e) => e instanceof errors.TimeoutError);
}

const NET_ERROR_RE = /\bnet::ERR_[A-Z0-9_]+\b/;

/**
 * Chromium's transport code (net::ERR_CONNECTION_REFUSED…). The recorder's `requestfailed`
 * text is the structured source; this reads the same token out of a goto error when the
 * request event was missed (the navigation failed before Playwright saw the request).
 */
export function netErrorCode(text: string | undefined): string | undefined {
  return text === undefined ? undefined : NET_ERROR_RE.exec(text)?.[0];
}
