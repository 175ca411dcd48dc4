import { describe, expect, it } from 'vitest';
import { selectJourneys, splitList } from './select.js';

const CATALOG = [
  { name: 'home-page', tags: ['canary'] },
  { name: 'refund-api', tags: ['post-rollback', 'api'] },
  { name: 'order-api', tags: ['api'] },
];

describe('selectJourneys', () => {
  it.each<[string, { names?: string[]; tags?: string[] }, string[]]>([
    ['no selector: every journey', {}, ['home-page', 'refund-api', 'order-api']],
    ['by name', { names: ['order-api'] }, ['order-api']],
    ['by tag', { tags: ['api'] }, ['refund-api', 'order-api']],
    ['names and tags: union, catalog order', { names: ['home-page'], tags: ['post-rollback'] }, ['home-page', 'refund-api']],
  ])('%s', (_name, selector, expected) => {
    expect(selectJourneys(CATALOG, selector)).toEqual({ ok: true, names: expected });
  });

  it.each<[string, { names?: string[]; tags?: string[] }, string]>([
    ['unknown name, with a suggestion', { names: ['refund-apj'] }, 'unknown journey "refund-apj" (did you mean "refund-api"?)'],
    ['no journey with the tag', { tags: ['nightly'] }, 'no journey has tag nightly'],
  ])('%s', (_name, selector, message) => {
    expect(selectJourneys(CATALOG, selector)).toEqual({ ok: false, message });
  });
});

describe('splitList', () => {
  it.each<[string | undefined, string[]]>([
    [undefined, []],
    ['', []],
    ['a', ['a']],
    [' a, b,,c ', ['a', 'b', 'c']],
  ])('%j → %j', (value, expected) => {
    expect(splitList(value)).toEqual(expected);
  });
});
