/**
 * Which browser to drive, decided once per run from the environment:
 *   1. PATHPROOF_BROWSER_WS  → connect to a remote Playwright browser server;
 *   2. PATHPROOF_CHROMIUM    → this executable (must exist: a typo is an error, not a fallback);
 *   3. Playwright's own downloaded Chromium, if it is on disk (never downloaded here);
 *   4. `chromium` / `chromium-browser` on PATH (Debian's /usr/bin/chromium).
 * Nothing found → RunnerFault BROWSER_NOT_FOUND saying how to get one.
 */
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { RunnerFault } from '../types.js';

export type BrowserSource =
  | { readonly kind: 'remote'; readonly wsEndpoint: string }
  | { readonly kind: 'executable'; readonly path: string; readonly origin: 'PATHPROOF_CHROMIUM' | 'playwright' | 'PATH' };

export interface DiscoverInput {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Playwright's expected Chromium path (`chromium.executablePath()`), when Playwright is loaded. */
  readonly playwrightExecutable?: () => string | undefined;
}

const PATH_NAMES = ['chromium', 'chromium-browser'] as const;

export const INSTALL_HELP =
  'install one with `apt-get install -y chromium` (Debian/Ubuntu), ' +
  'or set PATHPROOF_CHROMIUM=/path/to/chrome, ' +
  'or set PATHPROOF_BROWSER_WS=ws://host:port/… to use a remote Playwright browser server';

export function isExecutableFile(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

export function discoverBrowser(input: DiscoverInput): BrowserSource {
  const { env } = input;
  const ws = env.PATHPROOF_BROWSER_WS?.trim();
  if (ws) return { kind: 'remote', wsEndpoint: ws };

  const explicit = env.PATHPROOF_CHROMIUM?.trim();
  if (explicit) {
    if (isExecutableFile(explicit)) return { kind: 'executable', path: explicit, origin: 'PATHPROOF_CHROMIUM' };
    throw new RunnerFault(
      'BROWSER_NOT_FOUND',
      `PATHPROOF_CHROMIUM=${explicit} is not an executable file; point it at a Chromium or Chrome binary, or unset it to search. ${capitalize(INSTALL_HELP)}.`,
    );
  }

  const bundled = safely(input.playwrightExecutable);
  if (bundled && isExecutableFile(bundled)) return { kind: 'executable', path: bundled, origin: 'playwright' };

  const dirs = (env.PATH ?? '').split(delimiter).filter((dir) => dir.length > 0);
  for (const name of PATH_NAMES) {
    for (const dir of dirs) {
      const candidate = join(dir, name);
      if (isExecutableFile(candidate)) return { kind: 'executable', path: candidate, origin: 'PATH' };
    }
  }

  throw new RunnerFault(
    'BROWSER_NOT_FOUND',
    `no Chromium found (looked at Playwright's browser cache and for ${PATH_NAMES.join(' / ')} on PATH): ${INSTALL_HELP}.`,
  );
}

function safely(get: (() => string | undefined) | undefined): string | undefined {
  try {
    return get?.();
  } catch {
    // Playwright throws when its registry has no entry for this platform: treat as "not downloaded".
    return undefined;
  }
}

function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
