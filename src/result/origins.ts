/**
 * First-party origins (DESIGN §2): the journey's `target` origin, its `origins:` list and
 * the project's, and the origin of the page the browser is on. Requests anywhere else are
 * third-party: evidence only, never a cause.
 */

/** `https://shop.example` for `https://shop.example/a?b`, undefined for non-http(s) or garbage. */
export function originOf(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:' ? parsed.origin : undefined;
  } catch {
    return undefined;
  }
}

/** The first-party origins of a journey: its target's and every `origins:` entry, without repeats. */
export function firstPartyOrigins(target: string | undefined, origins: readonly string[]): string[] {
  const all = [target, ...origins].flatMap((url) => {
    const origin = url === undefined ? undefined : originOf(url);
    return origin === undefined ? [] : [origin];
  });
  return [...new Set(all)];
}

/** True when `url` is on a first-party origin (or on `pageOrigin`, the page the browser is on). */
export function isFirstParty(url: string, firstParty: readonly string[], pageOrigin?: string): boolean {
  const origin = originOf(url);
  if (origin === undefined) return true; // data:, blob:, about: belong to the page itself
  return origin === pageOrigin || firstParty.includes(origin);
}
