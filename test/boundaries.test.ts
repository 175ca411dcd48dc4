/**
 * The dependency rules are checked by `npm run lint` (eslint.boundaries.js). This proves the
 * check bites: a file in result/, classify/ or steps/ that reaches outward is an error, and
 * the allowed directions are not.
 */
import { ESLint } from 'eslint';
import tseslint from 'typescript-eslint';
import { describe, expect, it } from 'vitest';
import { boundaries } from '../eslint.boundaries.js';
import { ROOT } from './helpers.js';

const eslint = new ESLint({
  cwd: ROOT,
  overrideConfigFile: true,
  overrideConfig: [{ files: ['**/*.ts'], languageOptions: { parser: tseslint.parser } }, ...boundaries],
});

async function problems(file: string, source: string): Promise<string[]> {
  const [result] = await eslint.lintText(source, { filePath: `${ROOT}${file}` });
  return (result?.messages ?? []).map((m) => m.message);
}

describe('dependency boundaries (lint)', () => {
  it.each([
    ['src/result/x.ts', "import { USAGE } from '../cli/args.js';", 'src/result/ may import only nothing of ours'],
    ['src/classify/x.ts', "import { headline } from '../report/failure-detail.js';", 'src/classify/ may import only src/result/, src/util/'],
    ['src/classify/x.ts', "import { runCommand } from '../cli/run-command.js';", 'src/classify/ may import only'],
    ['src/steps/http/x.ts', "import { classifyFailure } from '../../classify/index.js';", 'src/steps/ may import only'],
    ['src/runner/x.ts', "import { consoleReporter } from '../report/console.js';", 'src/runner/ may import only'],
    ['src/journey/x.ts', "import type { Redactor } from '../steps/types.js';", 'src/journey/ may import only'],
  ])('%s: %s is refused', async (file, line, message) => {
    const found = await problems(file, `${line}\nexport const x = 1;\n`);
    expect(found.join('\n')).toContain(message);
  });

  it.each([
    ['src/runner/x.ts', "import { classifyFailure } from '../classify/index.js';"],
    ['src/steps/http/x.ts', "import type { Failure } from '../../result/types.js';"],
    ['src/classify/x.ts', "import { oneLine } from '../util/format.js';"],
    ['src/cli/x.ts', "import { runJourneys } from '../runner/run.js';"],
    ['src/report/x.test.ts', "import { runCommand } from '../cli/run-command.js';"],
  ])('%s: %s is allowed', async (file, line) => {
    expect(await problems(file, `${line}\nexport const x = 1;\n`)).toEqual([]);
  });
});
