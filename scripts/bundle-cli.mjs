#!/usr/bin/env node
/**
 * Bundles the CLI (part of `npm run build`, after tsc): dist/cli/main.js becomes one module for
 * what every command needs, plus a chunk per lazily imported part (each command, the browser
 * actions, the HTTP driver, the container engine…) beside it in dist/cli/.
 *
 * Why: Node 20 pays for every ES module it loads (resolve, read, link), and a run used to load
 * about 120 of ours; bundled, `pathproof run` of one HTTP journey starts in about a third less
 * CPU (issue #16). Only pathproof's own code is bundled: dependencies stay in node_modules, as
 * installed and licensed, imported at run time. The rest of dist/ (tsc's per-file output) stays
 * for the benchmarks and for anyone importing a module directly.
 *
 * Hazard, checked here: bundled code runs from dist/cli/, whatever its source's depth, so a path
 * made relative to `import.meta.url` (`new URL('../..', import.meta.url)`) would point elsewhere
 * than it did. Such code fails the build; find the package with src/util/package-root.ts. So
 * does an import of anything that is neither a runtime dependency nor part of Node (a bundler's
 * runtime helper, a dev dependency), which would fail only when a user runs that command.
 */
import { mkdtempSync, readFileSync, readdirSync, renameSync, rmSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { isAbsolute, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'rolldown';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI_DIR = join(ROOT, 'dist/cli');
const CHUNK = /^chunk-.*\.js(\.map)?$/;
const RELATIVE_TO_MODULE = /new URL\(\s*['"`]\.|createRequire\(\s*import\.meta\.url\s*\)\(\s*['"`]\./;

const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8'));
const RUNTIME = new Set([...Object.keys(PKG.dependencies ?? {}), ...builtinModules]);
/** `undici` of `undici`, `@scope/name` of `@scope/name/sub`, `fs` of `node:fs`. */
const packageOf = (id) => (id.startsWith('node:') ? id.slice(5) : id.split('/').slice(0, id.startsWith('@') ? 2 : 1).join('/'));

const problems = [];
const guard = {
  name: 'pathproof-relative-paths',
  transform(code, id) {
    if (RELATIVE_TO_MODULE.test(code)) problems.push(relative(ROOT, id));
    return null;
  },
};

// Written to a temporary directory first: the input (tsc's main.js) is replaced by the output.
const out = mkdtempSync(join(ROOT, 'dist', '.bundle-'));
try {
  const { output } = await build({
    input: join(CLI_DIR, 'main.js'),
    platform: 'node',
    // Dependencies and Node's modules are imported at run time, never copied in.
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0'),
    plugins: [guard],
    // The code is already what Node 20 runs (tsc): nothing to lower, no helpers to import.
    transform: { target: 'node20' },
    tsconfig: false,
    logLevel: 'warn',
    output: {
      dir: out,
      format: 'esm',
      entryFileNames: 'main.js',
      chunkFileNames: 'chunk-[name]-[hash].js',
      sourcemap: true,
    },
  });
  if (problems.length > 0) {
    throw new Error(`paths relative to import.meta.url would break once bundled (use src/util/package-root.ts): ${problems.join(', ')}`);
  }
  const foreign = [...new Set(output.flatMap((chunk) => [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]))].filter((id) => !id.startsWith('chunk-') && !RUNTIME.has(packageOf(id)));
  if (foreign.length > 0) throw new Error(`the bundle imports what is neither a runtime dependency nor part of Node: ${foreign.join(', ')}`);
  for (const stale of readdirSync(CLI_DIR).filter((name) => CHUNK.test(name))) rmSync(join(CLI_DIR, stale));
  for (const name of readdirSync(out)) renameSync(join(out, name), join(CLI_DIR, name));
} finally {
  rmSync(out, { recursive: true, force: true });
}
