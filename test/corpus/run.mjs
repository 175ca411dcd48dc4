#!/usr/bin/env node
/**
 * The verdict corpus, measured: starts every stack once, runs each case CORPUS_REPEATS times
 * (default 3) with the built CLI, prints expected vs actual per case and the totals.
 *
 *   npm run build && node test/corpus/run.mjs            # everything
 *   CORPUS_REPEATS=1 node test/corpus/run.mjs nodered    # one stack, once
 *   CORPUS_CASES=nr-editor-login,prom-ready node test/corpus/run.mjs
 *
 * Environment: CORPUS_REPEATS, CORPUS_CONCURRENCY (journeys at once per CLI run, default 4),
 * CORPUS_PARALLEL (CLI runs at once, default 2), CORPUS_CASES (comma-separated ids).
 * Exit code 0 when every verdict is right on every repeat, 1 otherwise.
 */
import { existsSync } from 'node:fs';
import { CLI, STACKS, formatTable, loadCases, measure, startStacks, summarize } from './corpus.mjs';

const log = (line) => process.stderr.write(`${new Date().toISOString().slice(11, 19)} ${line}\n`);

if (!existsSync(CLI)) {
  process.stderr.write(`${CLI} is missing: run npm run build first\n`);
  process.exit(2);
}
const onlyStacks = process.argv.slice(2);
const onlyCases = (process.env.CORPUS_CASES ?? '').split(',').filter(Boolean);
const cases = loadCases().filter((c) => (onlyStacks.length === 0 || onlyStacks.includes(c.stack)) && (onlyCases.length === 0 || onlyCases.includes(c.id)));
if (cases.length === 0) {
  process.stderr.write(`no cases selected (stacks: ${STACKS.join(', ')})\n`);
  process.exit(2);
}
const stacks = STACKS.filter((s) => cases.some((c) => c.stack === s));
const t0 = Date.now();
const running = await startStacks(stacks, log);
let results;
const stop = async () => {
  await running.stop();
};
process.once('SIGINT', () => void stop().then(() => process.exit(130)));
try {
  results = await measure(cases, {
    vars: running.vars,
    repeats: Number(process.env.CORPUS_REPEATS ?? 3),
    concurrency: Number(process.env.CORPUS_CONCURRENCY ?? 4),
    parallel: Number(process.env.CORPUS_PARALLEL ?? 2),
    log,
  });
} finally {
  await stop();
}
process.stdout.write(`${formatTable(results)}\n`);
log(`corpus finished in ${((Date.now() - t0) / 1000).toFixed(0)}s`);
const summary = summarize(results);
process.exit(summary.misses === 0 ? 0 : 1);
