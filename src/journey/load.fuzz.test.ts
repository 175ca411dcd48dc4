/**
 * Loader fuzzing: thousands of hostile documents derived from valid journeys. The promise
 * under test is the loader's contract, not any particular message: `loadJourneyText` returns
 * a journey or diagnostics (each with file, line ≥ 0, column ≥ 0 and a message), never throws,
 * never reaches its "internal error" last line of defence, and never hangs.
 *
 * Seeds are fixed so CI is reproducible; fast-check prints the seed and the shrunk
 * counterexample on failure. The per-document bound is a hang detector (2 s for a document
 * that takes a few ms), never a speed assertion.
 */
import fc from 'fast-check';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { loadJourneyText } from './load.js';
import type { LoadResult } from './load.js';

const FILE = 'journeys/fuzz.yaml';
/**
 * A hang, not a slow machine: each document normally loads in well under 10 ms, but a CI
 * machine shared with other work has paused one for 2.5 s (GC, CPU starvation). A real hang
 * (catastrophic backtracking, an endless walk) is unbounded, so the bound can be generous.
 */
const HANG_MS = 15_000;
const SEED = 20261122;

const ENV = {
  BASE_URL: 'http://127.0.0.1:9',
  EXPECTED_VERSION: '2.0.3',
  EXPECTED_ENV: 'demo',
  API_TOKEN: 'fuzz-token',
  DEMO_PASSWORD: 'fuzz-password',
  DEMO_API_TOKEN: 'fuzz-api-token',
};

const JOURNEYS_DIR = new URL('../../journeys/', import.meta.url).pathname;
const BUNDLED = readdirSync(JOURNEYS_DIR)
  .filter((f) => f.endsWith('.yaml'))
  .map((f) => readFileSync(join(JOURNEYS_DIR, f), 'utf8'));

/** Every step kind and matcher shape at least once, so mutations reach every schema branch. */
const KITCHEN_SINK = `name: kitchen-sink
description: every kind of step
tags: [a, b]
protects: data
target: \${BASE_URL}
schedule: "*/5 * * * *"
timeout: 30s
retries: 1
insecure: true
runtime:
  version: { request: GET /version, json: $.version, expect: "\${EXPECTED_VERSION}" }
  environment: { request: GET /api/env, json: $.name, expect: demo }
entry:
  - goto: { url: /slow, waitUntil: networkidle }
  - see: { role: heading, name: Shop, exact: true }
  - notSee: { text: Oops }
  - expectUrl: { regex: "^http" }
open:
  - click: { role: button, name: Go, nth: -1 }
  - fill: { label: Password, value: "\${secret:API_TOKEN}" }
  - press: { label: Search, key: Enter }
  - select: { label: Country, option: Norway }
  - check: { label: I agree, checked: false }
  - screenshot: after
  - wait: { for: { testId: spinner } }
  - see: { testId: refund-id }
    capture: { refundId: text }
action:
  - name: create
    timeout: 2s
    request:
      method: POST
      url: /api/refunds
      headers: { authorization: "Bearer \${secret:API_TOKEN}" }
      query: { dryRun: false }
      json: { orderId: "1001", amount: 120 }
      followRedirects: false
    expect:
      status: [200, 201]
      headers: { content-type: { contains: json } }
      json: { $.id: { exists: true }, $.amount: 120, $.items: { length: 2 } }
      body: { contains: ok, notContains: error, regex: "o+" }
      maxMs: 800
    capture:
      id: $.id
      etag: { header: etag }
      ticket: { regex: "ticket-(\\\\d+)" }
result:
  - request: GET /api/refunds/{{ id }}
    expect: { status: 2xx }
  - request: { method: PUT, url: /x, form: { a: "1" } }
  - request: { method: PATCH, url: /x, body: raw }
`;

const SEEDS: readonly unknown[] = [...BUNDLED, KITCHEN_SINK].map((text) => parse(text) as unknown);

// ---------------------------------------------------------------------------
// The contract

function assertContract(result: LoadResult, ms: number): void {
  expect(ms, 'one document took absurdly long: a hang in the loader').toBeLessThan(HANG_MS);
  expect(typeof result.ok).toBe('boolean');
  if (result.ok) {
    expect(result.journey.file).toBe(FILE);
    expect(typeof result.journey.journey.name).toBe('string');
    return;
  }
  expect(result.diagnostics.length).toBeGreaterThan(0);
  for (const d of result.diagnostics) {
    expect(d.file).toBe(FILE);
    expect(Number.isInteger(d.line) && d.line >= 0, `line ${d.line}`).toBe(true);
    expect(Number.isInteger(d.column) && d.column >= 0, `column ${d.column}`).toBe(true);
    expect(typeof d.message).toBe('string');
    expect(d.message.length).toBeGreaterThan(0);
    // The catch-all in loadJourneyText turns a thrown bug into this message: a fuzz finding.
    expect(d.message).not.toMatch(/^internal error/);
  }
}

function load(source: string | Uint8Array): void {
  const started = performance.now();
  let result: LoadResult;
  try {
    result = loadJourneyText(source, FILE, { env: ENV });
  } catch (error) {
    throw new Error(`loadJourneyText threw: ${String(error)}`, { cause: error });
  }
  assertContract(result, performance.now() - started);
}

// ---------------------------------------------------------------------------
// Tree mutations: pick a path in a valid journey, then change what is there

type Json = unknown;
type Mutation =
  | { kind: 'delete'; at: number }
  | { kind: 'retype'; at: number; value: Json }
  | { kind: 'duplicate'; at: number }
  | { kind: 'rename'; at: number; name: string }
  | { kind: 'nest'; at: number; depth: number; asList: boolean }
  | { kind: 'huge'; at: number; size: number; char: string }
  | { kind: 'insert'; at: number; key: string; value: Json };

/** Every container (object or array) with the key or index to reach each child. */
function slots(root: Json): { parent: Record<string, unknown> | unknown[]; key: string | number }[] {
  const out: { parent: Record<string, unknown> | unknown[]; key: string | number }[] = [];
  const walk = (node: Json): void => {
    if (Array.isArray(node)) {
      node.forEach((child, i) => {
        out.push({ parent: node, key: i });
        walk(child);
      });
    } else if (node !== null && typeof node === 'object') {
      for (const [k, child] of Object.entries(node)) {
        out.push({ parent: node as Record<string, unknown>, key: k });
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

function nested(depth: number, asList: boolean, leaf: Json): Json {
  let v = leaf;
  for (let i = 0; i < depth; i++) v = asList ? [v] : { n: v };
  return v;
}

function mutate(doc: Json, mutations: readonly Mutation[]): Json {
  const root = structuredClone(doc);
  for (const m of mutations) {
    const all = slots(root);
    if (all.length === 0) break;
    const slot = all[m.at % all.length];
    if (!slot) continue;
    const { parent, key } = slot;
    const set = (value: Json): void => {
      (parent as Record<string | number, unknown>)[key] = value;
    };
    const current = (parent as Record<string | number, unknown>)[key];
    switch (m.kind) {
      case 'delete':
        if (Array.isArray(parent)) parent.splice(key as number, 1);
        else delete parent[key as string];
        break;
      case 'retype':
        set(m.value);
        break;
      case 'duplicate':
        if (Array.isArray(parent)) parent.splice(key as number, 0, structuredClone(current));
        else parent[`${String(key)}`] = [current, structuredClone(current)];
        break;
      case 'rename':
        if (!Array.isArray(parent)) {
          delete parent[key as string];
          parent[m.name] = current;
        }
        break;
      case 'nest':
        set(nested(m.depth, m.asList, current));
        break;
      case 'huge':
        set(m.char.repeat(m.size));
        break;
      case 'insert':
        if (current !== null && typeof current === 'object' && !Array.isArray(current)) {
          (current as Record<string, unknown>)[m.key] = m.value;
        } else set({ [m.key]: m.value });
        break;
    }
  }
  return root;
}

/** Keys a journey author could plausibly type, misspell or inject. */
const KEY = fc.oneof(
  fc.constantFrom(
    'name', 'nmae', 'target', 'entry', 'open', 'action', 'result', 'request', 'expect', 'capture', 'goto', 'click',
    'fill', 'see', 'status', 'json', 'headers', 'url', 'method', 'timeout', 'retries', 'insecure', 'runtime', 'version',
    '__proto__', 'constructor', 'prototype', 'toString', '$.id', '{{ x }}', '${BASE_URL}', '${secret:API_TOKEN}', '',
  ),
  fc.string({ maxLength: 12 }),
);

const SCALAR: fc.Arbitrary<Json> = fc.oneof(
  fc.constantFrom(null, true, false, 0, -1, Number.POSITIVE_INFINITY, Number.NaN, 599, 600, '', '2xx', '9xx', '30s', '-1s', '1e9h', 'GET /'),
  fc.constantFrom('${MISSING}', '${secret:MISSING}', '{{ undefinedCapture }}', '$${literal}', '${', '}}', '{{', '$..', '$['),
  fc.integer(),
  fc.double(),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
);

const VALUE: fc.Arbitrary<Json> = fc.oneof(
  { weight: 3, arbitrary: SCALAR },
  { weight: 1, arbitrary: fc.array(SCALAR, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(KEY, SCALAR, { maxKeys: 4 }) },
);

const MUTATION: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('retype' as const), at: fc.nat(), value: VALUE }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('rename' as const), at: fc.nat(), name: KEY }),
  fc.record({ kind: fc.constant('nest' as const), at: fc.nat(), depth: fc.integer({ min: 1, max: 150 }), asList: fc.boolean() }),
  fc.record({ kind: fc.constant('huge' as const), at: fc.nat(), size: fc.integer({ min: 10_000, max: 120_000 }), char: fc.constantFrom('a', 'é', '𝄞', '\0', '{', '$') }),
  fc.record({ kind: fc.constant('insert' as const), at: fc.nat(), key: KEY, value: VALUE }),
);

const seedIndex = fc.nat({ max: SEEDS.length - 1 });

// ---------------------------------------------------------------------------
// Text mutations: what the tree cannot express (syntax, encoding, anchors)

function aliasBomb(levels: number, width: number, flow: boolean): string {
  const lines = ['name: bomb', 'a0: &a0 ["lol"]'];
  for (let i = 1; i <= levels; i++) {
    const refs = Array.from({ length: width }, () => `*a${i - 1}`);
    lines.push(flow ? `a${i}: &a${i} [${refs.join(', ')}]` : `a${i}: &a${i}\n${refs.map((r) => `  - ${r}`).join('\n')}`);
  }
  lines.push('entry:', `  - goto: /`, `    name: *a${levels}`);
  return `${lines.join('\n')}\n`;
}

/** Splice random text (or bytes) into a valid document at a random offset. */
const spliced = fc
  .tuple(fc.constantFrom(...BUNDLED, KITCHEN_SINK), fc.nat(), fc.nat({ max: 200 }), fc.string({ unit: 'grapheme', maxLength: 30 }))
  .map(([text, at, cut, insert]) => {
    const i = at % (text.length + 1);
    return text.slice(0, i) + insert + text.slice(Math.min(text.length, i + cut));
  });

const yamlNoise = fc
  .array(
    fc.constantFrom(
      '- ', ': ', '? ', '&a ', '*a ', '!!binary ', '!!str ', '!!map ', '!!set ', '!!omap ', '!<tag:yaml.org,2002:js/function> ', '%YAML 1.2\n',
      '---\n', '...\n', '{', '}', '[', ']', '|\n', '>-\n', '"', "'", '#', '\t', '\n', '  ', 'name', 'entry', 'goto: /', '<<: *a\n',
      '\uFEFF', '\u2028', '\r\n', '\\x00', '${', '{{', 'null', '~', '0x1F', '.inf', '1e400', 'y', 'no', '2026-11-22',
    ),
    { maxLength: 60 },
  )
  .map((parts) => parts.join(''));

const bytes = fc.oneof(
  fc.uint8Array({ maxLength: 512 }),
  fc
    .tuple(fc.constantFrom(...BUNDLED, KITCHEN_SINK), fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }))
    .map(([text, at, junk]) => {
      const utf8 = new TextEncoder().encode(text);
      const i = at % (utf8.length + 1);
      return new Uint8Array([...utf8.subarray(0, i), ...junk, ...utf8.subarray(i)]);
    }),
  fc.constantFrom(new Uint8Array([0xef, 0xbb, 0xbf, 0x6e, 0x3a]), new Uint8Array([0xff, 0xfe, 0x6e, 0x00]), new Uint8Array([0xc0, 0x80])),
);

// ---------------------------------------------------------------------------

/** Sized for < 20 s on a loaded 2-core machine; raise locally with FUZZ_RUNS to dig deeper. */
const RUNS = Number(process.env.FUZZ_RUNS ?? 0) || undefined;
const params = (numRuns: number): fc.Parameters<unknown> => ({ seed: SEED, numRuns: RUNS ?? numRuns, endOnFailure: true });

describe('loadJourneyText under fuzzing: a journey or diagnostics, never a throw, never a hang', { timeout: 120_000 }, () => {
  it('loads every seed document (the fuzz starts from valid journeys)', () => {
    for (const seed of SEEDS) {
      const result = loadJourneyText(stringify(seed), FILE, { env: ENV });
      expect(result.ok ? 'ok' : result.diagnostics.map((d) => d.message)).toBe('ok');
    }
  });

  it('tree mutations: fields deleted, retyped, duplicated, renamed, nested, huge, inserted', () => {
    fc.assert(
      fc.property(seedIndex, fc.array(MUTATION, { minLength: 1, maxLength: 4 }), (i, mutations) => {
        const doc = mutate(SEEDS[i], mutations);
        let text: string;
        try {
          text = stringify(doc, { aliasDuplicateObjects: false, lineWidth: 0 });
        } catch {
          return; // the YAML writer refused (not the loader's concern)
        }
        load(text);
      }),
      params(650),
    );
  });

  it('text mutations: random splices into valid documents', () => {
    fc.assert(fc.property(spliced, load), params(650));
  });

  it('random YAML-ish text: tags, anchors, merge keys, directives, multiple documents', () => {
    fc.assert(fc.property(yamlNoise, load), params(1_500));
  });

  it('binary bytes as Uint8Array: invalid UTF-8, BOMs, NULs', () => {
    fc.assert(fc.property(bytes, load), params(800));
  });

  it('alias bombs of every shape are refused in bounded time', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.integer({ min: 2, max: 12 }), fc.boolean(), (levels, width, flow) => {
        load(aliasBomb(levels, width, flow));
      }),
      params(150),
    );
  });

  it('deep nesting in flow and block style, and files at the size limit', () => {
    fc.assert(
      fc.property(fc.integer({ min: 50, max: 5_000 }), fc.constantFrom('[', '{a: ', '- '), (depth, open) => {
        const body =
          open === '- '
            ? Array.from({ length: Math.min(depth, 400) }, (_, i) => `${' '.repeat(i * 2)}- `).join('\n') + 'x'
            : open.repeat(depth) + 'x' + (open === '[' ? ']' : '}').repeat(depth);
        load(`name: deep\nentry:\n  - goto: /\ndeep: ${body}\n`);
      }),
      params(100),
    );
    load(`name: big\ndescription: "${'x'.repeat(1024 * 1024 - 100)}"\nentry:\n  - goto: /\n`);
    load(`name: big\ndescription: "${'x'.repeat(1024 * 1024 + 1)}"\nentry:\n  - goto: /\n`);
  });
});
