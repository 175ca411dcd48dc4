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
  CertificateTruth,
  ContainerTruth,
  EvidenceFile,
  EvidenceSink,
  Observation,
  Phase,
  Redactor,
  RunnerError,
  RunnerErrorCode,
  Symptom,
  TruthValue,
} from '../result/types.js';
import type { StepKind, StepOf } from '../journey/schema.js';
import type { CookieJar } from './cookie-jar.js';
import type { PageRecorder } from './browser/recorder.js';
import type { TraceContext } from './trace.js';

export type { EvidenceSink, Redactor } from '../result/types.js';


/** A dispatcher whose one connection is never reused; its owner closes it. */
export interface FreshDispatcher {
  readonly dispatcher: Dispatcher;
  close(): Promise<void>;
}

/** Shared HTTP machinery, built once at the edge. */
export interface HttpDeps {
  readonly dispatcher: Dispatcher;
  /** Dispatcher that accepts invalid certificates, for journeys with `insecure: true`. */
  readonly insecureDispatcher: Dispatcher;
  /** A one-off dispatcher that opens a new connection (`rejectUnauthorized` false for insecure journeys); the caller closes it. */
  readonly fresh?: (rejectUnauthorized: boolean) => FreshDispatcher;
  readonly maxBodyBytes: number;
  readonly maxRedirects: number;
}

/** One fresh browser context for one journey attempt (cookies never leak between attempts). */
export interface BrowserAttempt {
  readonly context: BrowserContext;
  readonly page: Page;
  /** What the page did (requests, console and page errors), windowed per step by the drivers. */
  readonly recorder: PageRecorder;
  /** Drivers call this when a secret was typed or navigated to: the attempt's trace is then never kept. */
  noteSecretUsed(): void;
  /** First-party requests of this page that carried our `traceparent` so far (0 without a trace). */
  tracedRequests(): number;
  /**
   * The attempt's cookie jar into the browser context (before a browser step) and back
   * (after it, when the jar is next read: CookieJar.behindBrowser): one user's session across
   * HTTP and browser steps. Cheap when nothing changed.
   */
  syncCookies(jar: CookieJar, direction: 'to-browser' | 'from-browser'): Promise<void>;
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
  /** `firstParty`: origins whose requests are first-party (everything else is third-party evidence). */
  openAttempt(options: {
    journey: string;
    attempt: number;
    insecure: boolean;
    firstParty: readonly string[];
    /** The attempt's trace: requests to first-party origins get a `traceparent` header (absent: none). */
    trace?: TraceContext;
    /** Matches the run's secrets: a failed attempt's trace that holds one is never kept. */
    secrets?: Pick<Redactor, 'holdsSecret'>;
  }): Promise<BrowserAttempt>;
  close(): Promise<void>;
}

export interface StepContext {
  readonly journey: string;
  readonly attempt: number;
  readonly phase: Phase;
  readonly index: number;
  /** The step's label as reports show it (its `name:` or the registry's label). */
  readonly label: string;
  /** Base URL of the journey; relative paths join to it. */
  readonly target: string | undefined;
  /**
   * First-party origins (`https://shop.example`): the target's, the journey's and the project's
   * `origins:`. A browser page's own origin counts too. Everything else is third-party.
   */
  readonly firstParty: readonly string[];
  /** `failOnPageErrors: true`: a first-party script error fails a browser step that otherwise passed. */
  readonly failOnPageErrors: boolean;
  readonly insecure: boolean;
  /** Captured values so far; drivers add what they capture. Raw values: never shown. */
  readonly vars: Map<string, string>;
  /** The attempt's cookies, shared by HTTP steps and the browser context (see cookie-jar.ts). */
  readonly cookies: CookieJar;
  /** Monotonic time (clock.now()) by which the step must settle. */
  readonly deadline: number;
  /** The step's own time as configured: its `timeout:`, else the project's or pathproof's default. */
  readonly stepTimeoutMs?: number;
  /**
   * What set `deadline`: the step's own time, or the journey's deadline coming first. Messages
   * name the step's time as written ("after 1s") when it is the bound: the budget left a moment
   * later (980ms on a busy machine) would make the same failure read differently run to run.
   */
  readonly deadlineFrom?: 'step' | 'journey';
  /** Aborted when the run is interrupted or the journey deadline passes. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
  readonly http: HttpDeps;
  /** Opens (once) the browser context of this attempt. Rejects with a RunnerFault when no browser can be had. */
  readonly browser: () => Promise<BrowserAttempt>;
  /**
   * Only for telling whether text holds a secret (masking screenshots, keeping traces);
   * drivers never redact results: the runner does, at one boundary.
   */
  readonly secrets: Pick<Redactor, 'holdsSecret'>;
  readonly evidence: EvidenceSink;
  /** The attempt's W3C trace (one trace id, a span per request); absent with `traceparent: false`. */
  readonly trace?: TraceContext;
}

/** Runtime truth a step read: which key of the attempt's `runtime` it fills. */
export type TruthRead =
  | { readonly key: 'version' | 'environment' | `fact:${string}`; readonly value: TruthValue }
  | { readonly key: 'container'; readonly value: ContainerTruth };

interface OutcomeBase {
  readonly assertions?: readonly AssertionResult[];
  readonly observation?: Observation;
  readonly evidence?: readonly EvidenceFile[];
  readonly captured?: Readonly<Record<string, string>>;
  readonly truth?: TruthRead;
  /** The step sent first-party requests with this trace id in `traceparent`. */
  readonly traceId?: string;
  /** TLS certificates of first-party documents the browser loaded in this step (HTTP steps carry theirs in the observation). */
  readonly certificates?: readonly CertificateTruth[];
}

/**
 * What a driver returns: what it observed, and, when something is wrong, a typed symptom.
 * Drivers never classify (src/classify does) and never decide `error` for something the
 * target did (the runner does).
 */
export type StepOutcome =
  | (OutcomeBase & { readonly status: 'passed' })
  | (OutcomeBase & { readonly status: 'failed'; readonly symptom: Symptom })
  | (OutcomeBase & { readonly status: 'error'; readonly error: RunnerError });

export interface StepDriver<K extends StepKind> {
  run(step: StepOf<K>, ctx: StepContext): Promise<StepOutcome>;
}

/** What the runner knows of a step kind: its driver, its label, whether it needs a browser. */
export interface StepKindEntry<K extends StepKind> {
  readonly driver: StepDriver<K>;
  /** The label reports show for a step without `name:`, from the values it really used. */
  readonly label: (step: StepOf<K>) => string;
  /** Whether this step needs the browser (`wait: 2s` does not; `wait: { for: … }` does). */
  readonly needsBrowser: (step: StepOf<K>) => boolean;
  /**
   * The step's warning budget: slower than this and it still passes, but the journey is
   * `degraded` (`expect.warnMs` of an HTTP step, `warnAfter` of a browser step).
   */
  readonly warnAfter: (step: StepOf<K>) => { readonly budget: 'warnMs' | 'warnAfter'; readonly ms: number } | undefined;
}

export type StepRegistry = { readonly [K in StepKind]: StepKindEntry<K> };

/** Our own fault: never blamed on the target. */
export class RunnerFault extends Error {
  override readonly name = 'RunnerFault';
  constructor(
    readonly code: RunnerErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
