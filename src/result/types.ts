/**
 * The shared language of pathproof: outcomes, layers, observations and results.
 *
 * This module imports nothing. Every other folder speaks in these types; reporters,
 * metrics and the CLI read them, the runner and step drivers produce them.
 */

/** How one journey ended (DESIGN §2). */
export type Outcome = 'passed' | 'flaky' | 'failed' | 'error' | 'skipped';

export const OUTCOMES = ['passed', 'flaky', 'failed', 'error', 'skipped'] as const satisfies readonly Outcome[];

/**
 * Where to look when a journey failed, in the order an operator should check them.
 * The order matters: a transition to a later layer is "progressed", to an earlier one "regressed".
 */
export type Layer = 'endpoint' | 'proxy' | 'route' | 'drift' | 'auth' | 'authz' | 'app' | 'frontend' | 'result';

export const LAYERS = [
  'endpoint',
  'proxy',
  'route',
  'drift',
  'auth',
  'authz',
  'app',
  'frontend',
  'result',
] as const satisfies readonly Layer[];

/** The user path, in order. */
export type StageName = 'entry' | 'open' | 'action' | 'result';

export const STAGES = ['entry', 'open', 'action', 'result'] as const satisfies readonly StageName[];

/** `runtime` (version / environment truth) is checked before any stage. */
export type Phase = 'runtime' | StageName;

/** One condition as written, with what was expected and what was seen: `status (404) == 200`. */
export interface AssertionResult {
  /** What was checked: `status`, `header`, `json`, `body`, `maxMs`, `version`, `see`, … */
  readonly kind: string;
  /** Human-readable condition with the actual value, Gatus style: `status (404) == 200`. */
  readonly expression: string;
  /** JSON path, header name, locator… when the condition has a subject. */
  readonly subject?: string;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly passed: boolean;
}

/** Phase timings of one HTTP exchange, in milliseconds. Absent phases were not performed (reused socket). */
export interface HttpTimings {
  readonly dnsMs?: number;
  readonly connectMs?: number;
  readonly tlsMs?: number;
  /** Request sent → first byte of the response headers. */
  readonly ttfbMs?: number;
  /** First byte → last byte of the body we read. */
  readonly transferMs?: number;
  readonly totalMs: number;
}

export interface RedirectHop {
  readonly status: number;
  readonly from: string;
  readonly to: string;
}

/** What one HTTP exchange looked like from outside. Plain data: probes produce it, checks read it. */
export interface HttpObservation {
  readonly kind: 'http';
  readonly method: string;
  /** Final URL after redirects. */
  readonly url: string;
  readonly status: number;
  readonly statusText?: string;
  /** Lower-cased header names; repeated headers joined with ", ". */
  readonly headers: Readonly<Record<string, string>>;
  /** Decoded body up to the cap (text); JSON is parsed from this. */
  readonly body: string;
  readonly bodyBytes: number;
  readonly bodyTruncated: boolean;
  readonly timings: HttpTimings;
  readonly remoteAddress?: string;
  readonly remotePort?: number;
  readonly redirects: readonly RedirectHop[];
}

/** A request the page made that failed or answered >= 400 (browser evidence). */
export interface FailedRequest {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  /** Playwright's failure text when the request did not complete (e.g. net::ERR_CONNECTION_REFUSED). */
  readonly failure?: string;
  readonly resourceType?: string;
  readonly durationMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * A request the page started that had neither a response nor a failure when the step
 * failed: the call the page was still waiting for (browser evidence).
 */
export interface PendingRequest {
  readonly method: string;
  readonly url: string;
  readonly resourceType?: string;
  /** How long it had been waiting when the evidence was taken. */
  readonly pendingMs: number;
}

/** What a browser step saw. */
export interface BrowserObservation {
  readonly kind: 'browser';
  readonly url: string;
  readonly title?: string;
  /** Status of the main document of the last navigation. */
  readonly documentStatus?: number;
  readonly documentHeaders?: Readonly<Record<string, string>>;
  readonly failedRequests: readonly FailedRequest[];
  /** xhr/fetch requests of the step still unanswered when it failed, oldest first. */
  readonly pendingRequests?: readonly PendingRequest[];
  readonly consoleErrors: readonly string[];
  readonly pageErrors: readonly string[];
  /** The locator that did not match, and what the page had instead. */
  readonly locator?: string;
  readonly candidates?: readonly string[];
  readonly matchCount?: number;
  /** Transport error code when the navigation itself failed (net::ERR_…). */
  readonly navigationError?: string;
}

export type Observation = HttpObservation | BrowserObservation;

/** A file written as evidence, relative to the run directory. */
export interface EvidenceFile {
  readonly kind: 'screenshot' | 'trace' | 'body' | 'other';
  readonly path: string;
  readonly description?: string;
}

/** Why the target failed a step: layer, one-line hint, the evidence. */
export interface Failure {
  readonly layer: Layer;
  /** One line, in the operator's order (DESIGN §2). */
  readonly hint: string;
  /** What went wrong, short: `status (404) == 200`, `connect ECONNREFUSED 127.0.0.1:9`. */
  readonly message: string;
  /** Stable code when the failure came from transport (ECONNREFUSED, UND_ERR_HEADERS_TIMEOUT…). */
  readonly code?: string;
  /** Why this layer was chosen, e.g. `server: nginx/1.22.1 and nginx's stock 502 page`. */
  readonly reason?: string;
}

/** Why *we* could not verify: never blamed on the target. */
export interface RunnerError {
  readonly code: string;
  readonly message: string;
}

interface StepResultBase {
  /** The step's `name:` or a generated label such as `GET /api/orders` or `click role=button[name="Submit"]`. */
  readonly name: string;
  /** The action key: `request`, `goto`, `click`, … */
  readonly kind: string;
  readonly phase: Phase;
  readonly index: number;
  readonly durationMs: number;
  readonly assertions?: readonly AssertionResult[];
  readonly observation?: Observation;
  readonly evidence?: readonly EvidenceFile[];
  /** Values captured by this step, by name (secrets redacted). */
  readonly captured?: Readonly<Record<string, string>>;
}

export type StepResult =
  | (StepResultBase & { readonly status: 'passed' })
  | (StepResultBase & { readonly status: 'failed'; readonly failure: Failure })
  | (StepResultBase & { readonly status: 'error'; readonly error: RunnerError })
  | (StepResultBase & { readonly status: 'skipped'; readonly reason: string });

export type StepStatus = StepResult['status'];

/** Health of a container as its engine reports it; `none` when it has no health check. */
export type ContainerHealthStatus = 'none' | 'starting' | 'healthy' | 'unhealthy';

/** One mount of a container: which volume (or host path) at which path inside it. */
export interface ContainerMount {
  /** `volume`, `bind`, `tmpfs`, … as the engine says. */
  readonly type: string;
  /** The volume name (type `volume`). */
  readonly name?: string;
  /** The host path (type `bind`) or the volume's directory on the host. */
  readonly source?: string;
  /** Where it is mounted inside the container. */
  readonly destination: string;
  readonly readOnly: boolean;
}

/** A published port: `80/tcp` → `0.0.0.0:8080`. Empty with `--network host`. */
export interface ContainerPort {
  readonly containerPort: string;
  readonly hostIp?: string;
  readonly hostPort?: string;
}

/**
 * What the container engine says about one container (DESIGN §7), as plain data. Env
 * values are kept only for the keys a check listed: everything else is a name only.
 */
export interface ContainerObservation {
  readonly id: string;
  /** Without the engine's leading slash: `shop-api-1`. */
  readonly name: string;
  readonly image: {
    /** The reference it was started with, as written (`shop-api:2.0.3`). */
    readonly reference: string;
    /** The image ID it was *created from*: a tag moved since then does not change it. */
    readonly id: string;
  };
  /** When the container was created (ISO 8601). */
  readonly createdAt: string;
  readonly state: {
    /** created | running | paused | restarting | removing | exited | dead */
    readonly status: string;
    readonly running: boolean;
    readonly restarting: boolean;
    readonly exitCode: number;
    readonly oomKilled: boolean;
    readonly restartCount: number;
    readonly startedAt?: string;
    readonly finishedAt?: string;
    /** The engine's error text for a container that failed to start. */
    readonly error?: string;
  };
  readonly health: {
    readonly status: ContainerHealthStatus;
    readonly failingStreak?: number;
    /** Exit code and (cut) output of the last health check run. */
    readonly lastExitCode?: number;
    readonly lastOutput?: string;
  };
  readonly mounts: readonly ContainerMount[];
  /** Every env name; values only for the keys that were asked for (never the others). */
  readonly env: { readonly names: readonly string[]; readonly values: Readonly<Record<string, string>> };
  readonly labels: Readonly<Record<string, string>>;
  readonly ports: readonly ContainerPort[];
  /** From the compose labels, when compose created it. */
  readonly compose?: { readonly project: string; readonly service: string; readonly number?: number };
}

/** The intended image as the engine resolves its reference. */
export interface ImageObservation {
  readonly reference: string;
  /** False when the engine has no image by that reference. */
  readonly present: boolean;
  readonly id?: string;
  readonly createdAt?: string;
}

/** A path inside a container, through the engine's archive stat (read-only, no exec). */
export interface ContainerFileStat {
  readonly path: string;
  readonly exists: boolean;
  readonly type?: 'file' | 'directory' | 'symlink' | 'other';
  readonly size?: number;
  readonly modifiedAt?: string;
  readonly linkTarget?: string;
}

/** Container truth seen during an attempt (`runtime.container`), recorded as evidence. */
export interface ContainerTruth {
  /** How the container was selected: `service api (project shop)`, `name shop-api`, `label app=shop`. */
  readonly selector: string;
  /** Where it was asked: `docker engine at unix:///var/run/docker.sock (API 1.41)`. */
  readonly engine?: string;
  /** Absent when no container matched. */
  readonly container?: ContainerObservation;
  /** Other containers that matched and were set aside (stopped ones, when exactly one runs). */
  readonly others?: readonly string[];
  readonly intendedImage?: ImageObservation;
  /** The deploy `createdAfter` was compared with, and where its time came from. */
  readonly deploy?: { readonly at: string; readonly source: string };
  readonly files?: readonly ContainerFileStat[];
}

/** Runtime truth seen during an attempt (DESIGN §1 `runtime`). */
export interface RuntimeTruth {
  readonly version?: { readonly expected?: string; readonly served?: string; readonly source?: string };
  readonly environment?: { readonly expected?: string; readonly served?: string; readonly source?: string };
  /** What the container engine said about the container serving this journey (DESIGN §7). */
  readonly container?: ContainerTruth;
  /** Which endpoint actually answered: `server`, `via`, `x-served-by`… or the remote address. */
  readonly servedBy?: string;
  readonly remoteAddress?: string;
}

export interface AttemptResult {
  readonly attempt: number;
  readonly outcome: 'passed' | 'failed' | 'error';
  readonly startedAt: string;
  readonly durationMs: number;
  /** The phase the attempt stopped in (failed or errored); absent when it passed. */
  readonly stage?: Phase;
  readonly failure?: Failure;
  readonly error?: RunnerError;
  readonly runtime?: RuntimeTruth;
  readonly steps: readonly StepResult[];
  /** Evidence of the whole attempt (a Playwright trace with --trace on-failure). */
  readonly evidence?: readonly EvidenceFile[];
}

export type TransitionKind = 'recovered' | 'broke' | 'progressed' | 'regressed' | 'unchanged' | 'new';

export interface Transition {
  readonly kind: TransitionKind;
  /** Previous layer (or outcome when it passed / errored). */
  readonly from?: string;
  readonly to?: string;
  readonly previousRunId?: string;
}

export interface JourneyResult {
  readonly name: string;
  readonly file: string;
  readonly tags: readonly string[];
  readonly outcome: Outcome;
  readonly startedAt?: string;
  readonly durationMs: number;
  /** How far the user got: the phase that failed (failed / error). */
  readonly stage?: Phase;
  readonly layer?: Layer;
  readonly hint?: string;
  readonly message?: string;
  readonly error?: RunnerError;
  /** Why a journey was skipped (`interrupted`, `filtered`, …). */
  readonly reason?: string;
  readonly transition?: Transition;
  readonly runtime?: RuntimeTruth;
  /**
   * Present (true) when the journey ran with `insecure: true`: TLS certificates were not
   * verified, so a pass does not prove the certificate a user's browser would see is valid.
   */
  readonly insecure?: true;
  readonly attempts: readonly AttemptResult[];
}

export type Counts = Record<Outcome, number>;

export interface Trigger {
  readonly after?: 'deploy' | 'rollback';
  readonly deployId?: string;
  readonly expectVersion?: string;
  readonly env?: string;
  readonly source?: 'cli' | 'schedule' | 'api' | 'flagger';
  /** --deployed-at / PATHPROOF_DEPLOYED_AT: when the deploy being verified happened (ISO 8601). */
  readonly deployedAt?: string;
}

export type RunStatus = 'running' | 'complete' | 'interrupted';

/** `run.json` (DESIGN §6). Fields are stable: add freely, rename never. */
export interface RunResult {
  readonly schemaVersion: 1;
  readonly runId: string;
  readonly status: RunStatus;
  readonly trigger: Trigger;
  readonly startedAt: string;
  readonly finishedAt?: string;
  readonly durationMs: number;
  readonly outcome: Outcome;
  readonly exitCode?: number;
  readonly counts: Counts;
  readonly journeys: readonly JourneyResult[];
  /** The run this one continues (`--rerun-failed`): its runId. */
  readonly continues?: string;
  /** Problems with the run itself (unwritable report dir, reporter failure…). */
  readonly warnings?: readonly string[];
}

/** Exit codes (DESIGN §3). */
export const EXIT = {
  passed: 0,
  failed: 1,
  invalid: 2,
  error: 3,
  /** SIGINT / SIGTERM stopped the run before it finished; run.json holds what finished. */
  interrupted: 4,
} as const;
