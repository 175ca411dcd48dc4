/**
 * Journey locators → Playwright locators, and their readable form for reports.
 *
 * String shorthands:
 * - `see: "Refund requested"` (and notSee, check) → an element with that text
 *   (`getByText`, substring, case-insensitive);
 * - `click: "Sign in"` → the user means a control, so the first of these tiers that
 *   matches anything wins: button/link named exactly "Sign in", button/link whose name
 *   contains it, element with exactly that text, element containing that text. The tiers
 *   keep "Sign in" from being ambiguous with a "Sign in" heading or "Sign in with SSO".
 */
import type { Page, Locator as PwLocator } from 'playwright-core';
import type { Locator as LocatorSpec, StepOf } from '../../journey/schema.js';

type AriaRole = Parameters<Page['getByRole']>[0];

/** A schema locator; step objects (fill, select…) carry extra keys, which are ignored. */
export type LocatorFields = Pick<LocatorSpec, 'role' | 'name' | 'label' | 'text' | 'testId' | 'placeholder' | 'css' | 'exact' | 'nth'>;

/** What a step points at: a schema locator, or a string shorthand and how to read it. */
export type Target =
  | { readonly kind: 'locator'; readonly spec: LocatorFields }
  | { readonly kind: 'text'; readonly text: string }
  | { readonly kind: 'control'; readonly text: string };

export function buildLocator(page: Page, spec: LocatorFields): PwLocator {
  const exact = spec.exact;
  let locator: PwLocator;
  if (spec.role !== undefined) locator = page.getByRole(spec.role as AriaRole, spec.name === undefined ? {} : { name: spec.name, exact });
  else if (spec.label !== undefined) locator = page.getByLabel(spec.label, { exact });
  else if (spec.text !== undefined) locator = page.getByText(spec.text, { exact });
  else if (spec.testId !== undefined) locator = page.getByTestId(spec.testId);
  else if (spec.placeholder !== undefined) locator = page.getByPlaceholder(spec.placeholder, { exact });
  else if (spec.css !== undefined) locator = page.locator(spec.css);
  // The schema guarantees exactly one key; this only guards a programming error.
  else throw new Error(`locator has none of role, label, text, testId, placeholder, css: ${JSON.stringify(spec)}`);
  return spec.nth === undefined ? locator : locator.nth(spec.nth);
}

/** Tiers for a `click: "text"` shorthand, best first (see the module comment). */
export function controlTiers(page: Page, text: string): PwLocator[] {
  const control = (exact: boolean): PwLocator =>
    page.getByRole('button', { name: text, exact }).or(page.getByRole('link', { name: text, exact }));
  return [control(true), control(false), page.getByText(text, { exact: true }), page.getByText(text)];
}

/** The locator of a target, for waiting: for a control shorthand, the union of every tier. */
export function targetLocator(page: Page, target: Target): PwLocator {
  switch (target.kind) {
    case 'locator':
      return buildLocator(page, target.spec);
    case 'text':
      return page.getByText(target.text);
    case 'control': {
      const tiers = controlTiers(page, target.text);
      // Tier 2 ⊇ tier 1 and tier 4 ⊇ tier 3, so two tiers cover every match.
      return (tiers[1] as PwLocator).or(tiers[3] as PwLocator);
    }
  }
}

/**
 * The visible elements an action may act on. For a control shorthand, the first tier
 * with a visible match (call it once something matched); a `nth` locator is taken as is.
 */
export async function settleTarget(page: Page, target: Target): Promise<PwLocator> {
  if (hasNth(target)) return targetLocator(page, target);
  if (target.kind !== 'control') return targetLocator(page, target).filter({ visible: true });
  const tiers = controlTiers(page, target.text).map((tier) => tier.filter({ visible: true }));
  for (const tier of tiers) if ((await tier.count()) > 0) return tier;
  return tiers[3] as PwLocator;
}

export function hasNth(target: Target): boolean {
  return target.kind === 'locator' && target.spec.nth !== undefined;
}

/** Readable form for reports: `role=button[name="Submit"]`, `label="Email"`, `text="Refund requested"`. */
export function describeLocator(spec: LocatorFields): string {
  const exact = spec.exact ? ' exact' : '';
  let base: string;
  if (spec.role !== undefined) base = spec.name === undefined ? `role=${spec.role}` : `role=${spec.role}[name=${JSON.stringify(spec.name)}${exact}]`;
  else if (spec.label !== undefined) base = `label=${JSON.stringify(spec.label)}${exact}`;
  else if (spec.text !== undefined) base = `text=${JSON.stringify(spec.text)}${exact}`;
  else if (spec.testId !== undefined) base = `testId=${JSON.stringify(spec.testId)}`;
  else if (spec.placeholder !== undefined) base = `placeholder=${JSON.stringify(spec.placeholder)}${exact}`;
  else base = `css=${spec.css ?? '?'}`;
  return spec.nth === undefined ? base : `${base} >> nth=${spec.nth}`;
}

export function describeTarget(target: Target): string {
  switch (target.kind) {
    case 'locator':
      return describeLocator(target.spec);
    case 'text':
      return `text ${JSON.stringify(target.text)}`;
    case 'control':
      return `button/link/text ${JSON.stringify(target.text)}`;
  }
}

/** Picks the locator fields out of a step object (which may carry value, key, option…). */
export function locatorFields(value: LocatorFields): LocatorFields {
  const { role, name, label, text, testId, placeholder, css, exact, nth } = value;
  return { role, name, label, text, testId, placeholder, css, exact, nth };
}

/** What `click:` points at: a string means a control by its name or text (see the tiers above). */
export function clickTarget(value: StepOf<'click'>['click']): Target {
  return typeof value === 'string' ? { kind: 'control', text: value } : { kind: 'locator', spec: locatorFields(value) };
}

/** What `see:` / `notSee:` point at: a string means an element with that text. */
export function seeTarget(value: StepOf<'see'>['see']): Target {
  return typeof value === 'string' ? { kind: 'text', text: value } : { kind: 'locator', spec: locatorFields(value) };
}
