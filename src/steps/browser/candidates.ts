/**
 * When a locator matched nothing: what the page offers instead, closest first, read from
 * the ARIA snapshot (accessible names, as the user-facing locators see them). Best
 * effort: on any error (page gone, budget spent) there are simply no candidates.
 */
import type { Page } from 'playwright-core';
import type { Target } from './locator.js';
import { parseAriaSnapshot, rankCandidates } from './similarity.js';
import type { AriaEntry } from './similarity.js';

const FORM_ROLES = new Set(['textbox', 'searchbox', 'combobox', 'listbox', 'checkbox', 'radio', 'spinbutton', 'slider', 'switch']);
const CONTROL_ROLES = new Set(['button', 'link']);
const MAX_LABEL = 80;

interface Offer {
  readonly label: string;
  readonly key: string;
}

function clip(text: string): string {
  return text.length > MAX_LABEL ? `${text.slice(0, MAX_LABEL)}…` : text;
}

function named(entries: readonly AriaEntry[], roles: (role: string) => boolean): Offer[] {
  return entries
    .filter((e) => e.name !== undefined && roles(e.role))
    .map((e) => ({ label: `${e.role} ${JSON.stringify(clip(e.name ?? ''))}`, key: e.name ?? '' }));
}

function texts(entries: readonly AriaEntry[]): Offer[] {
  return entries.flatMap((e) => {
    const offers: Offer[] = [];
    if (e.name !== undefined) offers.push({ label: `${e.role} ${JSON.stringify(clip(e.name))}`, key: e.name });
    if (e.text !== undefined) offers.push({ label: `text ${JSON.stringify(clip(e.text))}`, key: e.text });
    return offers;
  });
}

/** evaluateAll does not wait for elements, so it needs no budget of its own. */
async function attributeValues(page: Page, attribute: string): Promise<Offer[]> {
  const values = await page
    .locator(`[${attribute}]`)
    .evaluateAll((elements, name) => elements.map((element) => element.getAttribute(name) ?? ''), attribute);
  return values.map((value) => ({ label: `${attribute}=${JSON.stringify(clip(value))}`, key: value }));
}

export async function collectCandidates(page: Page, target: Target, budgetMs: number): Promise<string[]> {
  try {
    if (target.kind === 'locator' && target.spec.placeholder !== undefined) {
      return rankCandidates(target.spec.placeholder, await attributeValues(page, 'placeholder'));
    }
    if (target.kind === 'locator' && target.spec.testId !== undefined) {
      return rankCandidates(target.spec.testId, await attributeValues(page, 'data-testid'));
    }
    if (target.kind === 'locator' && target.spec.css !== undefined) return [];
    const entries = parseAriaSnapshot(await page.locator('body').ariaSnapshot({ timeout: Math.max(1, budgetMs) }));
    switch (target.kind) {
      case 'control':
        return rankCandidates(target.text, named(entries, (role) => CONTROL_ROLES.has(role)));
      case 'text':
        return rankCandidates(target.text, texts(entries));
      case 'locator': {
        const { spec } = target;
        if (spec.role !== undefined) return rankCandidates(spec.name, named(entries, (role) => role === spec.role));
        if (spec.label !== undefined) return rankCandidates(spec.label, named(entries, (role) => FORM_ROLES.has(role)));
        return rankCandidates(spec.text, texts(entries));
      }
    }
  } catch {
    return [];
  }
}
