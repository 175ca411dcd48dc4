import { describe, expect, it } from 'vitest';
import { Journey } from '../journey/schema.js';
import { journeyNeedsBrowser } from './registry.js';

describe('journeyNeedsBrowser: the registry says which steps need a browser', () => {
  it.each([
    ['an HTTP-only journey', { result: [{ request: 'GET /healthz' }] }, false],
    ['a pause between requests needs no browser', { entry: [{ request: 'GET /a' }, { wait: '2s' }, { request: 'GET /b' }] }, false],
    ['waiting for an element does', { entry: [{ goto: '/' }, { wait: { for: { text: 'Ready' } } }] }, true],
    ['any browser action does', { action: [{ request: 'POST /api/x' }, { see: 'Done' }] }, true],
  ])('%s → %s', (_name, stages, expected) => {
    expect(journeyNeedsBrowser(Journey.parse({ name: 'j', ...stages }))).toBe(expected);
  });
});
