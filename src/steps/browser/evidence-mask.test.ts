/**
 * Screenshot masks against real Chromium: text that echoes a secret is painted over, not
 * only password inputs (pixels cannot be redacted after the fact).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { systemClock } from '../../result/clock.js';
import { createRedactor } from '../../journey/secrets.js';
import type { BrowserAttempt, BrowserSupport } from '../types.js';
import { createBrowserSupport } from './session.js';
import { secretMasks } from './evidence.js';

const SECRET = 'pp7Kq9Zx aud1t/s+cr&t=!v4lue';
let support: BrowserSupport;
let attempt: BrowserAttempt;

beforeAll(async () => {
  support = createBrowserSupport({ env: { PATH: process.env.PATH, PATHPROOF_CHROMIUM: process.env.PATHPROOF_CHROMIUM }, clock: systemClock() });
  attempt = await support.openAttempt({ journey: 'mask', attempt: 1, insecure: false, firstParty: [] });
}, 60_000);

afterAll(async () => {
  await attempt?.close();
  await support?.close();
});

/** The outer HTML of each masked element, so the test reads what would be painted over. */
async function masked(html: string): Promise<string[]> {
  await attempt.page.setContent(html);
  const masks = await secretMasks(attempt.page, createRedactor([SECRET]));
  const out: string[] = [];
  for (const mask of masks) {
    for (const el of await mask.all()) out.push(await el.evaluate((e) => e.outerHTML));
  }
  return out;
}

describe('secretMasks', () => {
  it('masks the innermost elements whose text holds a secret, in any encoded form', async () => {
    const out = await masked(
      `<h1>Sign-in refused</h1><div><p id="raw">Unknown password ${SECRET}</p><p id="enc">${encodeURIComponent(SECRET)}</p><p id="ok">fine</p></div>`,
    );
    expect(out.some((h) => h.startsWith('<p id="raw">'))).toBe(true);
    expect(out.some((h) => h.startsWith('<p id="enc">'))).toBe(true);
    expect(out).not.toContain('<p id="ok">fine</p>');
    expect(out.some((h) => h.startsWith('<div>'))).toBe(false);
  });

  it('masks the parent when a secret is split across child elements', async () => {
    const [head, tail] = [SECRET.slice(0, 8), SECRET.slice(8)];
    const out = await masked(`<p id="split"><b>${head}</b>${tail}</p><p>other</p>`);
    expect(out.some((h) => h.startsWith('<p id="split">'))).toBe(true);
  });

  it('masks only password inputs on a page without a secret on screen', async () => {
    const out = await masked(`<label>Password <input type="password"></label><p>nothing to hide</p>`);
    expect(out).toEqual(['<input type="password">']);
  });
});
