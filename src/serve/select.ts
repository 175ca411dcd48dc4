/**
 * Which journeys an API request or a webhook asks for: names and/or tags (a journey matches
 * when it is named or carries one of the tags); no selector means every journey. An unknown
 * name is an error with a suggestion, never silently ignored (a typo in a Canary spec would
 * otherwise verify nothing and pass).
 */
import { didYouMean } from '../journey/diagnostics.js';

export interface CatalogEntry {
  readonly name: string;
  readonly tags: readonly string[];
}

export interface Selector {
  readonly names?: readonly string[];
  readonly tags?: readonly string[];
}

export type Selection = { ok: true; names: string[] } | { ok: false; message: string };

/** Splits `a, b,,c` into `['a', 'b', 'c']` (Flagger metadata values are strings). */
export function splitList(value: string | undefined): string[] {
  if (value === undefined) return [];
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part.length > 0);
}

export function selectJourneys(catalog: readonly CatalogEntry[], selector: Selector): Selection {
  const names = selector.names ?? [];
  const tags = selector.tags ?? [];
  if (catalog.length === 0) return { ok: false, message: 'no journeys are loaded' };
  const known = new Set(catalog.map((entry) => entry.name));
  for (const name of names) {
    if (!known.has(name)) {
      const suggestion = didYouMean(name, known);
      return { ok: false, message: `unknown journey "${name}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}` };
    }
  }
  if (names.length === 0 && tags.length === 0) return { ok: true, names: catalog.map((entry) => entry.name) };
  const selected = catalog.filter((entry) => names.includes(entry.name) || entry.tags.some((tag) => tags.includes(tag)));
  if (selected.length === 0) return { ok: false, message: `no journey has tag ${tags.join(' or ')}` };
  return { ok: true, names: selected.map((entry) => entry.name) };
}
