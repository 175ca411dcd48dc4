/**
 * `pathproof demo`: the main job on an embedded default. Starts the bundled sample app
 * on a free loopback port and runs the bundled journeys against it.
 */
import { join } from 'node:path';
import { EXIT } from '../result/types.js';
import { demoJourneyEnv, startDemoApp } from '../demo/app.js';
import { SCENARIOS, SCENARIO_NAMES, isScenarioName } from '../demo/scenarios.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';
import { runCommand } from './run-command.js';
import { packageRoot } from '../util/package-root.js';

/** The journeys shipped beside dist/: <package>/journeys. */
export const BUNDLED_JOURNEYS = join(packageRoot() ?? '.', 'journeys');

export async function demoCommand(args: ParsedArgs, io: CliIo): Promise<number> {
  if (args.listScenarios) {
    for (const name of SCENARIO_NAMES) io.stdout(`  ${name.padEnd(16)} ${SCENARIOS[name].description}\n`);
    return EXIT.passed;
  }
  const scenario = args.scenario ?? 'healthy';
  if (!isScenarioName(scenario)) {
    io.stderr(`pathproof: unknown scenario "${scenario}"; one of ${SCENARIO_NAMES.join(', ')}\n`);
    return EXIT.invalid;
  }
  const app = await startDemoApp({ scenario });
  try {
    io.stdout(`demo app (${scenario}: ${SCENARIOS[scenario].description}) at ${app.url}\n`);
    return await runCommand({
      args,
      io,
      defaultPaths: [BUNDLED_JOURNEYS],
      // Passed as interpolation values, never written to process.env.
      extraEnv: demoJourneyEnv(app),
    });
  } finally {
    await app.close();
  }
}
