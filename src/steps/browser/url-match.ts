/**
 * `expectUrl` conditions as pure checks over the page URL, written Gatus style:
 * `url ("/orders") contains "/orders/1001"`. Paths (starting with /) compare against
 * the path + query + hash; anything else against the full URL.
 */
import type { AssertionResult } from '../../result/types.js';
import { compileUserRegex } from '../../journey/regex.js';

export interface UrlExpectation {
  readonly equals?: string;
  readonly contains?: string;
  readonly regex?: string;
}

export function urlExpectation(value: string | UrlExpectation): UrlExpectation {
  return typeof value === 'string' ? { contains: value } : value;
}

/** The URL as a reader wants it: relative to the target when on the same origin. */
export function displayUrl(href: string, target: string | undefined): string {
  try {
    const url = new URL(href);
    if (target !== undefined && new URL(target).origin === url.origin) return `${url.pathname}${url.search}${url.hash}`;
    return url.href;
  } catch {
    return href;
  }
}

function pathOf(href: string): string {
  try {
    const url = new URL(href);
    return `${url.pathname}${url.search}${url.hash}`;
  } catch {
    return href;
  }
}

function sameUrl(href: string, expected: string): boolean {
  if (expected.startsWith('/')) return pathOf(href) === expected;
  try {
    return new URL(expected).href === new URL(href).href;
  } catch {
    return href === expected;
  }
}

export function checkUrl(href: string, expectation: UrlExpectation, target: string | undefined): AssertionResult[] {
  const shown = JSON.stringify(displayUrl(href, target));
  const results: AssertionResult[] = [];
  if (expectation.equals !== undefined) {
    const expected = expectation.equals;
    results.push({ kind: 'url', expression: `url (${shown}) equals ${JSON.stringify(expected)}`, expected, actual: href, passed: sameUrl(href, expected) });
  }
  if (expectation.contains !== undefined) {
    const expected = expectation.contains;
    results.push({ kind: 'url', expression: `url (${shown}) contains ${JSON.stringify(expected)}`, expected, actual: href, passed: href.includes(expected) });
  }
  if (expectation.regex !== undefined) {
    const expected = expectation.regex;
    // Linear-time (RE2); checked at load, so an invalid pattern here came from a {{ capture }}.
    const compiled = compileUserRegex(expected);
    const expression = compiled.ok ? `url (${shown}) matches /${expected}/` : `url (${shown}) matches /${expected}/: ${compiled.message}`;
    results.push({ kind: 'url', expression, expected, actual: href, passed: compiled.ok && compiled.regex.test(href) });
  }
  return results;
}

export function urlMatches(href: string, expectation: UrlExpectation): boolean {
  return checkUrl(href, expectation, undefined).every((result) => result.passed);
}

/** Joins a step URL to the journey target; undefined when it is relative and there is no target. */
export function resolveUrl(url: string, target: string | undefined): string | undefined {
  if (/^https?:\/\//i.test(url)) return url;
  if (target === undefined) return undefined;
  // Standard resolution: `/x` starts at the site root (drops a path in target), `x` is relative to it.
  return new URL(url, target).href;
}
