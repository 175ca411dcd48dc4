/**
 * The contract between the runner and step drivers. A driver gets one resolved step
 * (captures `{{ name }}` already substituted) and one context object, and returns a
 * plain outcome; the runner adds name, phase, index and duration.
 */
import type { Dispatcher } from 'undici';
import type { BrowserContext, Page } from 'playwright-core';
import type { Clock } from '../result/clock.js';
import type {
  AssertionResult,
  EvidenceFile,
  Failure,
  Observation,
  Phase,
  RunnerError,
} from '../result/types.js';
import type { StepKind, StepOf } from '../journey/schema.js';
import type { CookieJar } from './cookie-jar.js';
import type { PageRecorder } from './browser/recorder.js';

/** Replaces every secret value (and its URL-encoded and base64 forms) with `***`. */
export interface Redactor {
  redact(text: string): string;
  /** Deep copy of a JSON-like value with every string redacted. */
  redactDeep<T>(value: T): T;
  /** True when the text holds a secret value. */
  holdsSecret(text: string): boolean;
}

/** Writes evidence files for one journey attempt, beside run.json. */
export interface EvidenceSink {
  /** Writes `data` and returns its path relative to the run directory. */
  write(name: string, data: string | Uint8Array, kind: EvidenceFile['kind'], description?: string): Promise<EvidenceFile>;
}

/** Shared HTTP machinery, built once at the edge. */
export interface HttpDeps {
  readonly dispatcher: Dispatcher;
  /** Dispatcher that accepts invalid certificates, for journeys with `insecure: true`. */
  readonly insecureDispatcher: Dispatcher;
  readonly maxBodyBytes: number;
  readonly maxRedirects: number;
}

/** One fresh browser context for one journey attempt (cookies never leak between attempts). */
export interface BrowserAttempt {
  readonly context: BrowserContext;
  readonly page: Page;
  /** What the page did (failed requests, console and page errors), windowed per step by the drivers. */
  readonly recorder: PageRecorder;
  /** Drivers call this when a secret was typed or navigated to: the attempt's trace is then never kept. */
  noteSecretUsed(): void;
  /**
   * Ends the attempt: with `trace: 'on-failure'` and `failed`, saves the Playwright trace
   * through `evidence` (unless a secret was used), then closes the context. Idempotent.
   */
  finish(options: { failed: boolean; evidence: EvidenceSink }): Promise<EvidenceFile[]>;
  /** Closes the context without keeping a trace. Idempotent. */
  close(): Promise<void>;
}

/** One browser per run; the runner asks for an attempt only when a journey has browser steps. */
export interface BrowserSupport {
  openAttempt(options: { journey: string; attempt: number; insecure: boolean }): Promise<BrowserAttempt>;
  close(): Promise<void>;
}

export interface StepContext {
  readonly journey: string;
  readonly attempt: number;
  readonly phase: Phase;
  readonly index: number;
  /** Base URL of the journey; relative paths join to it. */
  readonly target: string | undefined;
  readonly insecure: boolean;
  /** Captured values so far; drivers add what they capture. */
  readonly vars: Map<string, string>;
  /** The attempt's cookies, shared by HTTP steps and the browser context (see cookie-jar.ts). */
  readonly cookies: CookieJar;
  /** Monotonic time (clock.now()) by which the step must settle. */
  readonly deadline: number;
  /** Aborted when the run is interrupted or the journey deadline passes. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly http: HttpDeps;
  /** Opens (once) the browser context of this attempt. Rejects with a RunnerFault when no browser can be had. */
  readonly browser: () => Promise<BrowserAttempt>;
  readonly redactor: Redactor;
  readonly evidence: EvidenceSink;
}

interface OutcomeBase {
  readonly assertions?: readonly AssertionResult[];
  readonly observation?: Observation;
  readonly evidence?: readonly EvidenceFile[];
  readonly captured?: Readonly<Record<string, string>>;
}

export type StepOutcome =
  | (OutcomeBase & { readonly status: 'passed' })
  | (OutcomeBase & { readonly status: 'failed'; readonly failure: Failure })
  | (OutcomeBase & { readonly status: 'error'; readonly error: RunnerError });

export interface StepDriver<K extends StepKind> {
  run(step: StepOf<K>, ctx: StepContext): Promise<StepOutcome>;
}

export type StepDrivers = { readonly [K in StepKind]: StepDriver<K> };

/** Our own fault: never blamed on the target. */
export class RunnerFault extends Error {
  override readonly name = 'RunnerFault';
  constructor(
    readonly code: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
