/**
 * The installed package's root directory and version, found by walking up from this module to
 * the package.json named "pathproof" — never a fixed `../../` from `import.meta.url`: the CLI
 * is bundled (scripts/bundle-cli.mjs), so a module's code may run from another depth than its
 * source file has. Read once: it is a constant of the installation.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

interface Found {
  readonly root: string;
  readonly version?: string;
}

let found: Found | null | undefined;

function find(): Found | null {
  if (found !== undefined) return found;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let depth = 0; depth < 8; depth++) {
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === 'pathproof') {
        found = { root: dir, ...(typeof pkg.version === 'string' ? { version: pkg.version } : {}) };
        return found;
      }
    } catch {
      // no (readable) package.json at this level: keep walking up
    }
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  found = null;
  return found;
}

/** The directory holding pathproof's package.json (and `journeys/`), when it can be found. */
export function packageRoot(): string | undefined {
  return find()?.root;
}

/** pathproof's version from its package.json, when it can be read. */
export function packageVersion(): string | undefined {
  return find()?.version;
}
