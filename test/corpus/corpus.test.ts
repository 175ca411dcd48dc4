/**
 * The verdict corpus (issue #11), asserted: every case, on every repeat, gets the verdict an
 * SRE wrote down beforehand (cases.yaml). Real third-party stacks on 127.0.0.1 (stacks/), the
 * built CLI, CORPUS_REPEATS runs of each case (default 3).
 *
 * This file fails on a pipeline that blames the wrong thing; that is its job. Never change an
 * expectation to match the output: fix the pipeline (or the stack, when it does not behave as
 * the case's `why` says). `node test/corpus/run.mjs` prints the same measurement as a table.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, CORPUS_DIR, formatTable, loadCases, matches, measure, startStacks, verdictText } from './corpus.mjs';
import type { CaseResult, RunningStacks } from './corpus.mjs';

const REPEATS = Number(process.env.CORPUS_REPEATS ?? 3);
const cases = loadCases();
let stacks: RunningStacks | undefined;
let results: CaseResult[] = [];

describe('verdict corpus', () => {
  beforeAll(async () => {
    if (!existsSync(CLI)) throw new Error(`${CLI} is missing: npm run build first (npm test does)`);
    if (!existsSync(join(CORPUS_DIR, 'node_modules/node-red'))) {
      throw new Error('the corpus applications are not installed: npm ci --prefix test/corpus (.ci/run does it)');
    }
    stacks = await startStacks();
    results = await measure(cases, { vars: stacks.vars, repeats: REPEATS, log: (line) => console.log(line) });
    console.log(formatTable(results));
  }, 900_000);

  afterAll(async () => {
    await stacks?.stop();
  }, 60_000);

  it('has enough cases, stacks, passes and repeats to mean something', () => {
    expect(cases.length).toBeGreaterThanOrEqual(45);
    expect(new Set(cases.map((c) => c.stack)).size).toBeGreaterThanOrEqual(4);
    expect(cases.filter((c) => c.expect.outcome === 'passed').length * 3).toBeGreaterThanOrEqual(cases.length);
    expect(REPEATS).toBeGreaterThanOrEqual(1);
  });

  it.each(cases.map((c) => [c.id, c] as const))('%s', (_id, c) => {
    const result = results.find((r) => r.case.id === c.id);
    expect(result, 'the case was measured').toBeDefined();
    const runs = result?.runs ?? [];
    expect(runs).toHaveLength(REPEATS);
    const seen = runs.map((run, i) => `repeat ${i + 1}: ${verdictText(run.verdict)}${c.expect.exit !== undefined ? ` exit ${run.exit}` : ''}${matches(c, run) ? '' : ` ✗ ${run.verdict.hint ?? ''}`}`);
    const wanted = `${verdictText(c.expect)}${c.expect.exit !== undefined ? ` exit ${c.expect.exit}` : ''} (${c.why})`;
    expect(runs.every((run) => matches(c, run)), `expected ${wanted}\n${seen.join('\n')}`).toBe(true);
  });
});
