/**
 * A reader that goes away (`pathproof schema | head`, `pathproof run | head -3`) is no reason
 * to crash with an unhandled EPIPE, nor to cut a run short: output stops, the exit code and
 * the reports do not.
 */
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CLI, ROOT } from './helpers.js';

/** Runs the CLI, closes its stdout after the first chunk, and returns how it ended. */
function closeAfterFirstChunk(args: string[]): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: ROOT, env: { ...process.env, NO_COLOR: '1' } });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.stdout.once('data', () => child.stdout.destroy());
    const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stderr });
    });
  });
}

describe('stdout closed by the reader', () => {
  it('pathproof schema exits 0 without an EPIPE stack', async () => {
    const result = await closeAfterFirstChunk(['schema']);
    expect(result.stderr).not.toMatch(/EPIPE|Unhandled 'error' event/);
    expect(result.code).toBe(0);
  });
});
