/** End-to-end helpers: spawn the built CLI, start real servers on 127.0.0.1. */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AddressInfo } from 'node:net';
import type { AttemptResult, JourneyResult, RunResult } from '../src/result/types.js';

export const ROOT = new URL('..', import.meta.url).pathname;
export const CLI = join(ROOT, 'dist/cli/main.js');

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export function tempDir(prefix = 'pathproof-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string | undefined>;
  timeoutMs?: number;
  onSpawn?: (pid: number) => void;
}

/** Runs `pathproof …` to completion (bounded: killed after `timeoutMs`). */
export function runCli(args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runNode(CLI, args, options);
}

/**
 * Runs a Node script to completion (bounded: killed after `timeoutMs`), with a minimal
 * environment (PATH, HOME, NO_COLOR) plus `env`.
 */
export function runNode(script: string, args: string[], options: RunOptions = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [script, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, NO_COLOR: '1', ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    if (child.pid) options.onSpawn?.(child.pid);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** Every key of any member of the union `U`. */
type AnyKey<U> = U extends unknown ? keyof U : never;
/** What the members of `U` that have key `K` give it (members without it add nothing). */
type FieldOf<U, K extends PropertyKey> = U extends unknown ? (K extends keyof U ? U[K] : never) : never;

/**
 * A loose view of a result union read back from JSON: the keys every member has keep their
 * type, every other key of any member is optional (`journey.hint` is `string | undefined`
 * whatever the outcome). For tests that read what the CLI wrote and assert on it: the
 * assertion is the check, not the type. Code that produces results keeps the strict unions.
 */
export type Loose<U> = { readonly [K in keyof U]: FieldOf<U, K> } & { readonly [K in Exclude<AnyKey<U>, keyof U>]?: FieldOf<U, K> };

/** One attempt of a run.json, any outcome: `attempt.failure`, `attempt.error`, `attempt.degradations`. */
export type LooseAttempt = Loose<AttemptResult>;

/** One journey of a run.json, any outcome: `journey.hint`, `journey.layer`, `journey.error`, `journey.reason`… */
export type LooseJourney = Omit<Loose<JourneyResult>, 'attempts' | 'retried'> & {
  readonly attempts: readonly LooseAttempt[];
  readonly retried?: LooseAttempt;
};

/** A run.json as a test reads it: {@link RunResult} with {@link LooseJourney} journeys. */
export type LooseRun = Omit<RunResult, 'journeys'> & { readonly journeys: readonly LooseJourney[] };

export interface TestServer {
  url: string;
  port: number;
  server: Server;
  close(): Promise<void>;
}

export async function startServer(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<TestServer> {
  const server = createServer(handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    server,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A port nothing listens on: bind, read the port, close. */
export async function closedPort(): Promise<number> {
  const s = await startServer(() => undefined);
  await s.close();
  return s.port;
}
