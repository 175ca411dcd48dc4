import { describe, expect, it } from 'vitest';
import { levenshtein, parseAriaSnapshot, rankCandidates, similarity } from './similarity.js';

describe('parseAriaSnapshot', () => {
  it('reads roles, names and inline text, skipping property lines', () => {
    const snapshot = [
      '- heading "Orders" [level=1]',
      '- button "Save \\"draft\\""',
      '- link "Help":',
      '  - /url: /help',
      '- paragraph: Refund rejected',
      '- text: "Total: 120 EUR"',
      '- list:',
      '  - listitem: Item one',
    ].join('\n');
    expect(parseAriaSnapshot(snapshot)).toEqual([
      { role: 'heading', name: 'Orders' },
      { role: 'button', name: 'Save "draft"' },
      { role: 'link', name: 'Help' },
      { role: 'paragraph', text: 'Refund rejected' },
      { role: 'text', text: 'Total: 120 EUR' },
      { role: 'list' },
      { role: 'listitem', text: 'Item one' },
    ]);
  });
});

describe('similarity', () => {
  it.each([
    ['Submit', 'Submit', 1],
    ['submit', 'SUBMIT', 1],
    ['', 'Submit', 0],
  ])('%j vs %j = %d', (a, b, expected) => {
    expect(similarity(a, b)).toBe(expected);
  });

  it('ranks containment above unrelated words', () => {
    expect(similarity('Submit', 'Submit order')).toBeGreaterThan(similarity('Submit', 'Cancel'));
  });

  it.each([
    ['kitten', 'sitting', 3],
    ['', 'abc', 3],
    ['same', 'same', 0],
  ])('levenshtein(%j, %j) = %d', (a, b, expected) => {
    expect(levenshtein(a, b)).toBe(expected);
  });
});

describe('rankCandidates', () => {
  const offers = ['Cancel order', 'Save draft', 'Submit order', 'Delete', 'Delete', ''].map((name) => ({ label: `button "${name}"`, key: name }));

  it('puts the closest first, drops duplicates and blanks, keeps at most the limit', () => {
    const ranked = rankCandidates('Submit', offers);
    expect(ranked[0]).toBe('button "Submit order"');
    expect(ranked).toHaveLength(4);
    expect(new Set(ranked)).toEqual(new Set(['button "Submit order"', 'button "Cancel order"', 'button "Save draft"', 'button "Delete"']));
    expect(rankCandidates('Submit', offers, 2)).toHaveLength(2);
  });

  it('keeps page order when nothing is wanted', () => {
    expect(rankCandidates(undefined, offers, 2)).toEqual(['button "Cancel order"', 'button "Save draft"']);
  });
});
