import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, runCli } from './helpers.js';

describe('pathproof schema', () => {
  it('prints the JSON Schema generated from the zod schema, identical to journeys/schema.json', async () => {
    const result = await runCli(['schema']);
    expect(result.code).toBe(0);
    const printed = JSON.parse(result.stdout) as { properties: Record<string, unknown>; additionalProperties: boolean };
    expect(Object.keys(printed.properties)).toEqual(
      expect.arrayContaining(['name', 'target', 'runtime', 'entry', 'open', 'action', 'result', 'schedule']),
    );
    expect(printed.additionalProperties).toBe(false);
    // The committed copy editors use must not drift from the schema: `npm run schema` regenerates it.
    expect(result.stdout).toBe(readFileSync(join(ROOT, 'journeys/schema.json'), 'utf8'));
  });
});
