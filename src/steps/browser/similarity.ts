/**
 * Ranks what a page offers against what a locator asked for, so a failed step can say
 * "the page has button "Sign in", button "Cancel"". Pure functions.
 */

/** Parsed line of a Playwright ARIA snapshot: `- button "Submit"`, `- paragraph: Some text`. */
export interface AriaEntry {
  readonly role: string;
  readonly name?: string;
  /** Inline text content after the colon (`- paragraph: Some text`). */
  readonly text?: string;
}

const LINE_RE = /^\s*- ([a-z]+)(?: "((?:[^"\\]|\\.)*)")?((?: \[[^\]]*\])*)(?::(?: (.*))?)?$/;

/** Parses `locator.ariaSnapshot()` output. Property lines (`- /url: …`) and unknown shapes are skipped. */
export function parseAriaSnapshot(snapshot: string): AriaEntry[] {
  const entries: AriaEntry[] = [];
  for (const line of snapshot.split('\n')) {
    const match = LINE_RE.exec(line);
    if (!match) continue;
    const [, role, rawName, , rawText] = match;
    if (!role) continue;
    const name = rawName === undefined ? undefined : unquote(`"${rawName}"`);
    const text = rawText === undefined || rawText.trim() === '' ? undefined : unquote(rawText.trim());
    entries.push({ role, ...(name !== undefined ? { name } : {}), ...(text !== undefined ? { text } : {}) });
  }
  return entries;
}

function unquote(text: string): string {
  if (text.startsWith('"') && text.endsWith('"') && text.length >= 2) {
    try {
      return String(JSON.parse(text));
    } catch {
      return text.slice(1, -1);
    }
  }
  return text;
}

/** 0..1, higher is closer: containment counts as close, otherwise normalised edit distance. */
export function similarity(wanted: string, offered: string): number {
  const a = wanted.trim().toLowerCase();
  const b = offered.trim().toLowerCase();
  if (a === b) return 1;
  if (a.length === 0 || b.length === 0) return 0;
  if (b.includes(a) || a.includes(b)) return 0.9 * (Math.min(a.length, b.length) / Math.max(a.length, b.length)) + 0.1;
  return 1 - levenshtein(a, b) / Math.max(a.length, b.length);
}

export function levenshtein(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost);
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/**
 * The `limit` offers closest to `wanted`, best first; ties keep page order. Duplicates
 * and blanks are dropped. With nothing wanted (a bare role), page order is kept.
 */
export function rankCandidates(wanted: string | undefined, offers: readonly { label: string; key: string }[], limit = 5): string[] {
  const seen = new Set<string>();
  const unique = offers.filter((offer) => {
    if (offer.key.trim() === '' || seen.has(offer.label)) return false;
    seen.add(offer.label);
    return true;
  });
  if (!wanted) return unique.slice(0, limit).map((offer) => offer.label);
  return unique
    .map((offer, order) => ({ offer, order, score: similarity(wanted, offer.key) }))
    .sort((x, y) => y.score - x.score || x.order - y.order)
    .slice(0, limit)
    .map(({ offer }) => offer.label);
}
