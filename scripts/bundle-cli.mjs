#!/usr/bin/env node
/**
 * Bundles the CLI (part of `npm run build`, after tsc): dist/cli/main.js becomes one module for
 * what every command needs, plus a chunk per lazily imported part (each command, the browser
 * actions, the HTTP driver, the container engine…) beside it in dist/cli/.
 *
 * Why: Node 20 pays for every ES module it loads (resolve, read, link), and a run used to load
 * about 120 of ours and 170 of zod and yaml, which every command needs (issue #16). Those two
 * are bundled with our code, their licence notices at the top of the chunks that hold them
 * (MIT, ISC: the notice travels with the code); every other dependency stays in node_modules
 * and is imported at run time (undici and playwright-core load parts on demand). The rest of
 * dist/ (tsc's per-file output) stays for the benchmarks and for anyone importing a module
 * directly; zod and yaml stay dependencies for it.
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
/** Dependencies bundled in (loaded by every command, many small modules each). */
const BUNDLED = ['zod', 'yaml'];
const bundled = (id) => BUNDLED.some((name) => id === name || id.startsWith(`${name}/`));

/** The licence notice of each bundled package a chunk holds, as a comment for its top. */
function notices(chunk) {
  const held = new Set();
  for (const id of Object.keys(chunk.modules ?? {})) {
    const match = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/.exec(id);
    if (match) held.add(match[1].replace(/\\/g, '/'));
  }
  return [...held]
    .sort()
    .map((name) => {
      const dir = join(ROOT, 'node_modules', name);
      const { version, license } = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
      const text = readFileSync(join(dir, readdirSync(dir).find((f) => /^licen[cs]e/i.test(f))), 'utf8').replaceAll('*/', '* /');
      return `/*!\n * ${name} ${version} (${license}), bundled into pathproof's CLI:\n *\n${text.trim().split('\n').map((line) => ` * ${line}`.trimEnd()).join('\n')}\n */`;
    })
    .join('\n');
}
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
    // Node's modules and the dependencies not bundled are imported at run time, never copied in.
    external: (id) => !id.startsWith('.') && !isAbsolute(id) && !id.startsWith('\0') && !bundled(id),
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
      banner: (chunk) => notices(chunk),
    },
  });
  if (problems.length > 0) {
    throw new Error(`paths relative to import.meta.url would break once bundled (use src/util/package-root.ts): ${problems.join(', ')}`);
  }
  const foreign = [...new Set(output.flatMap((chunk) => [...(chunk.imports ?? []), ...(chunk.dynamicImports ?? [])]))].filter((id) => !id.startsWith('chunk-') && !RUNTIME.has(packageOf(id)));
  if (foreign.length > 0) throw new Error(`the bundle imports what is neither a runtime dependency nor part of Node: ${foreign.join(', ')}`);
  if (!readFileSync(join(out, 'main.js'), 'utf8').startsWith('#!/usr/bin/env node\n')) throw new Error('dist/cli/main.js must start with its #! line');
  for (const stale of readdirSync(CLI_DIR).filter((name) => CHUNK.test(name))) rmSync(join(CLI_DIR, stale));
  for (const name of readdirSync(out)) renameSync(join(out, name), join(CLI_DIR, name));
} finally {
  rmSync(out, { recursive: true, force: true });
}
