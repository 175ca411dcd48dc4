/**
 * The shared language of pathproof: outcomes, layers, observations, symptoms and results.
 *
 * This module imports nothing. Every other folder speaks in these types; reporters,
 * metrics and the CLI read them, the runner and step drivers produce them.
 *
 * Data flow (one verdict pipeline): a step driver observes and returns an observation and,
 * when something is wrong, a typed {@link Symptom}; `src/classify` alone turns symptom and
 * observation into a {@link Failure}; the runner alone decides `failed` (the target) versus
 * `error` (pathproof could not verify), and redacts what came from outside at one boundary.
 */

/**
 * How one journey ended (DESIGN §2). `degraded` and `flaky` count as passed (exit 0) and
 * are always shown: `degraded` worked but too slowly (`expect.warnMs`, `warnAfter`) or on a
 * certificate that expires soon (`tlsWarnWithin`); `flaky` failed, then passed on a retry.
 */
export type Outcome = 'passed' | 'degraded' | 'flaky' | 'failed' | 'error' | 'skipped';

export const OUTCOMES = ['passed', 'degraded', 'flaky', 'failed', 'error', 'skipped'] as const satisfies readonly Outcome[];

/** The outcomes that count as passed (exit 0; a hook must not roll back on them): passed, degraded, flaky. */
export const PASSING_OUTCOMES: ReadonlySet<string> = new Set<Outcome>(['passed', 'degraded', 'flaky']);

/** True for passed, degraded and flaky (any other string, a newer runner's outcome included, is not). */
export function countsAsPassed(outcome: string): boolean {
  return PASSING_OUTCOMES.has(outcome);
}

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

/** `runtime` (version / environment / facts truth) is checked before any stage. */
export type Phase = 'runtime' | StageName;

/**
 * What an assertion checked. HTTP: `status`, `header`, `json`, `body`, `maxMs`, `capture`.
 * Runtime truth: `version`, `environment`, `fact`. Browser: `status` (the document), `see`,
 * `notSee`, `url`, `capture`.
 */
export type AssertionKind =
  | 'status'
  | 'header'
  | 'json'
  | 'body'
  | 'maxMs'
  | 'capture'
  | 'version'
  | 'environment'
  | 'fact'
  | 'see'
  | 'notSee'
  | 'url'
  | ContainerCheckKind;

/**
 * The checks of `runtime.container`, in the order classify/container.ts weighs them within a
 * layer: artifact → image → recreated → volume → env → labels.
 */
export const CONTAINER_CHECKS = [
  'container.found',
  'container.state',
  'container.file',
  'container.image',
  'container.created',
  'container.mount',
  'container.env',
  'container.label',
  'container.health',
] as const;
export type ContainerCheckKind = (typeof CONTAINER_CHECKS)[number];

/** One condition as written, with what was expected and what was seen: `status (404) == 200`. */
export interface AssertionResult {
  readonly kind: AssertionKind;
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
  /**
   * Set when a reused keep-alive connection failed before any response byte and the request
   * was sent again on a fresh connection (what a browser does): the code of the first failure.
   */
  readonly retriedOnFreshConnection?: string;
  /** The certificate the server presented (https only), read from the TLS socket that carried the exchange. */
  readonly tls?: PeerCertificate;
  /** The W3C `traceparent` header pathproof sent on the final request (absent: none was sent). */
  readonly traceparent?: string;
}

/** A server's TLS certificate as the client saw it: when it expires, and whose it is. */
export interface PeerCertificate {
  /** The certificate's notAfter (ISO 8601). */
  readonly notAfter: string;
  /** Subject common name (or the subject line) when the certificate has one. */
  readonly subject?: string;
  /** Issuer common name (or organisation). */
  readonly issuer?: string;
}

/**
 * A request the page made that failed or answered >= 400 (browser evidence). Only
 * first-party requests are kept here; third-party ones are in {@link ThirdPartyEvidence}.
 */
export interface FailedRequest {
  readonly method: string;
  readonly url: string;
  readonly status?: number;
  /** Playwright's failure text when the request did not complete (e.g. net::ERR_CONNECTION_REFUSED). */
  readonly failure?: string;
  readonly resourceType?: string;
  readonly durationMs?: number;
  readonly headers?: Readonly<Record<string, string>>;
  /**
   * The start of the reply body when the browser gave it (error replies of first-party
   * documents and API calls). Absent means *not captured*: unknown, never empty.
   */
  readonly body?: string;
  /**
   * `step`: started by the failing step itself (or the action just before it, whose effects
   * it waited for); `page`: started earlier on the same page (its load, background calls).
   */
  readonly startedBy?: 'step' | 'page';
  /** A later request for the same method and path answered < 400: the page retried it and it worked. */
  readonly laterSucceeded?: boolean;
  /** The label of a step that passed on this page after this request had failed: the page went on. */
  readonly handledBefore?: string;
  /** The request submitted credentials (a login form, an OAuth grant): a 403 then is a refused login. */
  readonly sendsCredentials?: boolean;
}

/**
 * A request the page started that had neither a response nor a failure when the step
 * failed: the call the page was still waiting for (browser evidence, first-party only).
 */
export interface PendingRequest {
  readonly method: string;
  readonly url: string;
  readonly resourceType?: string;
  /** How long it had been waiting when the evidence was taken. */
  readonly pendingMs: number;
  readonly startedBy?: 'step' | 'page';
  /** The same method and path answered before on this page: a repeating poll, not a hung call. */
  readonly repeating?: boolean;
}

/** An uncaught error in the page's scripts, with the script it came from when the stack says. */
export interface ScriptError {
  readonly message: string;
  /** URL of the script at the top of the stack (absent when the stack names none: inline or eval). */
  readonly source?: string;
}

/**
 * Third-party evidence of a browser step: requests to origins that are not first-party
 * (the journey's target plus `origins:`) and errors thrown by their scripts. Evidence only:
 * it never fails a step and never becomes the layer.
 */
export interface ThirdPartyEvidence {
  readonly failedRequests: readonly FailedRequest[];
  readonly scriptErrors: readonly ScriptError[];
}

/** The normal replies of one origin seen so far, to tell an app's reply from one generated in front of it. */
export interface OriginBaseline {
  readonly origin: string;
  /** How many normal (< 400) replies this is built from. */
  readonly replies: number;
  /** `server` header values seen on normal replies (empty: none carried one). */
  readonly servers: readonly string[];
  /** Header names every normal reply carried (lower case). */
  readonly commonHeaders: readonly string[];
  /** Content-type families of the normal replies per first path segment: `/api/` → ['json']. */
  readonly contentTypes: Readonly<Record<string, readonly string[]>>;
}

/** What a browser step saw. */
export interface BrowserObservation {
  readonly kind: 'browser';
  readonly url: string;
  readonly title?: string;
  /** The page's first-level heading, when it has one (a soft "Page not found" shows here). */
  readonly heading?: string;
  /** Status of the main document of the current page. */
  readonly documentStatus?: number;
  readonly documentHeaders?: Readonly<Record<string, string>>;
  /** Start of the document's body when it answered >= 400 and the browser gave it. */
  readonly documentBody?: string;
  /** First-party requests of the current page that failed, in the order they started. */
  readonly failedRequests: readonly FailedRequest[];
  /** First-party xhr/fetch requests still unanswered when the step failed, oldest first. */
  readonly pendingRequests?: readonly PendingRequest[];
  readonly consoleErrors: readonly string[];
  /** Uncaught errors of first-party scripts (or of scripts the stack does not name). */
  readonly pageErrors: readonly string[];
  /** Third-party failures: evidence only. */
  readonly thirdParty?: ThirdPartyEvidence;
  /** The normal replies of first-party origins on this page (who generated an error reply?). */
  readonly baselines?: readonly OriginBaseline[];
  /** The locator that did not match, and what the page had instead. */
  readonly locator?: string;
  readonly candidates?: readonly string[];
  readonly matchCount?: number;
  /** Transport error code when the navigation itself failed (net::ERR_…). */
  readonly navigationError?: string;
}

export type Observation = HttpObservation | BrowserObservation;

/** A request as a symptom names it (method and absolute URL). */
export interface RequestRef {
  readonly method: string;
  readonly url: string;
  /** The request submitted credentials (a password or secret field, an OAuth grant): a credential exchange. */
  readonly sendsCredentials?: boolean;
}

/**
 * What a driver saw go wrong, typed, before anyone judged it. Drivers return symptoms;
 * `src/classify` turns (step, symptom, observation, assertions) into a {@link Failure}.
 */
export type Symptom =
  /** No HTTP response: a transport error with a stable code (ECONNREFUSED, UND_ERR_*, PATHPROOF_*). */
  | {
      readonly kind: 'transport';
      readonly request: RequestRef;
      readonly code: string;
      readonly message: string;
      /** Where the exchange broke: dns, connect, tls, request, headers, body, redirect, aborted. */
      readonly phase?: string;
      /** The exchange's time budget, for "answered nothing within 10s". */
      readonly timeoutMs?: number;
    }
  /** A response arrived and at least one assertion (status, json, body, capture, maxMs…) failed. */
  | { readonly kind: 'response'; readonly request: RequestRef }
  /** Runtime truth (version, environment, a named fact) is not what it should be, or not exposed. */
  | {
      readonly kind: 'runtime';
      readonly check: 'version' | 'environment' | 'fact';
      /** The fact's name (`workflow-plugin-enabled`). */
      readonly name?: string;
      readonly expected?: string;
      readonly served?: string;
      /** Where it was read: `GET /version ($.version)`. */
      readonly source: string;
      /** Why nothing was read, when nothing was. */
      readonly why?: string;
      readonly servedBy?: string;
    }
  /** The container engine says the container serving the journey is not what it should be (DESIGN §7). */
  | { readonly kind: 'container'; readonly truth: ContainerTruth }
  /** A browser step failed: what the user would have seen. */
  | {
      readonly kind: 'page';
      readonly what: PageSymptom;
      /** Short, user-facing: `click role=button[name="Submit"]: no visible element matched within 10s`. */
      readonly message: string;
    };

/** The visible symptom of a failed browser step. */
export type PageSymptom = 'navigation-failed' | 'locator-missing' | 'locator-ambiguous' | 'assertion-failed' | 'timeout' | 'script-error';

/** A file written as evidence, relative to the run directory. */
export interface EvidenceFile {
  readonly kind: 'screenshot' | 'trace' | 'body' | 'other';
  readonly path: string;
  readonly description?: string;
}

/** Evidence that was considered for a failure and not chosen as its cause, with why. */
export interface SetAside {
  /** `GET /api/notifications → 502`, `fonts.example.net (DNS)`, `TypeError: x is undefined`. */
  readonly evidence: string;
  /** `third-party`, `the page retried it and it worked`, `handled: see "Orders" passed after it`. */
  readonly why: string;
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
  /** Why this layer was chosen: which evidence decided, e.g. `server: nginx/1.22.1 and nginx's stock 502 page`. */
  readonly reason?: string;
  /** Evidence weighed and not chosen, with why. */
  readonly setAside?: readonly SetAside[];
  /** The HTTP status the decisive evidence carried (for transitions: `404 → 401`). */
  readonly status?: number;
}

/**
 * Stable codes of {@link RunnerError}: why pathproof could not verify. Catalogued in the
 * README ("Runner error codes"). Never a verdict on the target; exit code 3.
 */
export type RunnerErrorCode =
  /** The run was interrupted (SIGINT/SIGTERM) while the step ran. */
  | 'INTERRUPTED'
  /** A step did not settle 2s after its deadline: a pathproof or driver hang. */
  | 'STEP_HUNG'
  /** A `wait:` pause longer than the time left: the journey's timeouts are misconfigured. */
  | 'STEP_DEADLINE'
  /** A `{{ name }}` placeholder has no captured value (the capturing step did not run). */
  | 'CAPTURE_MISSING'
  /** The request cannot be built from the journey (bad URL, no target for a relative path). */
  | 'REQUEST_INVALID'
  /** The request was built but cannot be sent as written (a header value with a newline…): the target was not contacted. */
  | 'REQUEST_NOT_SENDABLE'
  /** A relative `goto` with no journey `target`. */
  | 'NO_TARGET'
  /** A journey with browser steps ran without browser support. */
  | 'BROWSER_UNAVAILABLE'
  /** No Chromium found (PATHPROOF_CHROMIUM, PATHPROOF_BROWSER_WS, Playwright's, PATH). */
  | 'BROWSER_NOT_FOUND'
  /** Chromium could not be launched or connected to. */
  | 'BROWSER_LAUNCH_FAILED'
  /** The browser closed or crashed during the step. */
  | 'BROWSER_CRASHED'
  /** The browser support of the run was already closed. */
  | 'BROWSER_CLOSED'
  /** Playwright threw something that is not a verdict (an invalid CSS selector…). */
  | 'BROWSER_STEP_ERROR'
  /** The playwright package could not be loaded. */
  | 'PLAYWRIGHT_MISSING'
  /** The container engine could not be reached (DOCKER_HOST / engine:), or answered in a way we cannot use. */
  | 'ENGINE_UNREACHABLE'
  | 'ENGINE_REFUSED'
  | 'ENGINE_PERMISSION_DENIED'
  | 'ENGINE_FORBIDDEN'
  | 'ENGINE_API_ERROR'
  | 'ENGINE_TIMEOUT'
  | 'ENGINE_RESPONSE_TOO_LARGE'
  | 'ENGINE_ADDRESS_INVALID'
  /** A journey has runtime.container but no engine was set up for the run. */
  | 'ENGINE_NOT_CONFIGURED'
  /** Several running containers match a selector that should name one. */
  | 'CONTAINER_AMBIGUOUS'
  /** createdAfter: deploy, but neither --deployed-at nor the intended image's creation time is known. */
  | 'CONTAINER_DEPLOY_UNKNOWN'
  /** An unexpected exception in pathproof itself. */
  | 'RUNNER_BUG';

/** Why *we* could not verify: never blamed on the target. */
export interface RunnerError {
  readonly code: RunnerErrorCode;
  readonly message: string;
}

/** Something worth showing about a step that did not decide its outcome. */
export interface StepNote {
  /**
   * `third-party`: third-party requests failed or their scripts threw (evidence only);
   * `page-error`: the page's own script threw during a step that passed;
   * `fresh-connection`: a reused keep-alive connection was closed by the server and the
   * request was sent again on a fresh one.
   */
  readonly kind: 'third-party' | 'page-error' | 'fresh-connection';
  /** One line: `2 third-party requests failed: fonts.example.invalid (DNS), stats.example.invalid (DNS)`. */
  readonly message: string;
}

interface StepResultBase {
  /** The step's `name:` or a generated label such as `GET /api/orders` or `click role=button[name="Submit"]`. */
  readonly name: string;
  /** The action key: `request`, `goto`, `click`, …; `runtime.version`, `runtime.fact` for runtime truth. */
  readonly kind: string;
  readonly phase: Phase;
  readonly index: number;
  readonly durationMs: number;
  readonly assertions?: readonly AssertionResult[];
  readonly observation?: Observation;
  readonly evidence?: readonly EvidenceFile[];
  /** Values captured by this step, by name (secrets redacted). */
  readonly captured?: Readonly<Record<string, string>>;
  readonly notes?: readonly StepNote[];
  /** The trace id this step's first-party requests carried in `traceparent` (absent: none was sent). */
  readonly traceId?: string;
}

export type StepResult =
  | (StepResultBase & { readonly status: 'passed' })
  | (StepResultBase & { readonly status: 'failed'; readonly failure: Failure })
  | (StepResultBase & { readonly status: 'error'; readonly error: RunnerError })
  | (StepResultBase & { readonly status: 'skipped'; readonly reason: string });

/** One value of runtime truth: what should be served, what is, and where it was read. */
export interface TruthValue {
  readonly expected?: string;
  readonly served?: string;
  readonly source?: string;
}

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

/**
 * Endpoint mapping (DESIGN §7, first in the operator's order): which container receives the
 * connections to the journey's target, as the engine says. `mapped` when a running container
 * publishes the target's port on the engine's host; `unmapped` with why it cannot be told
 * (the host network, a target on another host, nothing published there, several candidates).
 */
export type EndpointMapping =
  | {
      readonly kind: 'mapped';
      /** `127.0.0.1:8080`: the target's host and port. */
      readonly target: string;
      readonly container: {
        readonly id: string;
        readonly name: string;
        /** `80/tcp`: the port inside the container it is published from. */
        readonly port: string;
        readonly image?: string;
        readonly compose?: { readonly project: string; readonly service: string };
      };
      /** True when it is the container `runtime.container` selected. */
      readonly selected: boolean;
    }
  | { readonly kind: 'unmapped'; readonly target: string; readonly why: string };

/** Container truth seen during an attempt (`runtime.container`), recorded as evidence. */
export interface ContainerTruth {
  /** Which container owns the journey's target port, when the engine can tell (`target:` needed). */
  readonly endpoint?: EndpointMapping;
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

/**
 * How `--wait` ended: `held` (every runtime check held, the stages ran), `expired` (the window
 * ended with a check still failing: its own verdict stands), `stopped` (a fault waiting cannot
 * fix — a bad journey, a refused engine permission — ended it early), `interrupted` (SIGTERM).
 */
export type WaitEnd = 'held' | 'expired' | 'stopped' | 'interrupted';

/** `--wait`: how the runtime checks were polled before the stages ran (DESIGN §7). */
export interface WaitRecord {
  readonly ended: WaitEnd;
  /** Polls of this journey's runtime checks (every attempt's, in order). */
  readonly polls: number;
  /** From the start of the wait (the run's start) to the end of the last poll. */
  readonly waitedMs: number;
  /** The `--wait` window. */
  readonly windowMs: number;
}

/** Runtime truth seen during an attempt (DESIGN §1 `runtime`, §7). */
export interface RuntimeTruth {
  /** Present when the run waited for the rollout (`--wait`): polls, how long, how it ended. */
  readonly wait?: WaitRecord;
  readonly version?: TruthValue;
  readonly environment?: TruthValue;
  /** Named in-platform facts (`runtime.facts`), by name. */
  readonly facts?: Readonly<Record<string, TruthValue>>;
  /** What the container engine said about the container serving this journey (DESIGN §7). */
  readonly container?: ContainerTruth;
  /** Which endpoint actually answered: `server`, `via`, `x-served-by`… or the remote address. */
  readonly servedBy?: string;
  readonly remoteAddress?: string;
  /**
   * The TLS certificate of each first-party HTTPS origin the attempt reached (HTTP probes and
   * browser documents), one per origin, soonest expiry first.
   */
  readonly certificates?: readonly CertificateTruth[];
}

/** The certificate one first-party HTTPS origin presented during an attempt. */
export interface CertificateTruth extends PeerCertificate {
  /** `https://shop.example` */
  readonly origin: string;
}

/**
 * Why an attempt that worked is `degraded` (DESIGN §2): it passed, but too slowly or on a
 * certificate about to expire. Never a failure: a degraded journey counts as passed (exit 0).
 * Built in src/classify/degraded.ts; `message` says what was seen, `hint` what to do.
 */
export type Degradation =
  /** A step that passed took longer than its warning budget (`expect.warnMs`, a browser step's `warnAfter`). */
  | {
      readonly kind: 'slow-step';
      readonly phase: Phase;
      readonly index: number;
      /** The step's label: `GET /api/orders`, `click role=button[name="Pay"]`. */
      readonly step: string;
      readonly tookMs: number;
      readonly budget: 'warnMs' | 'warnAfter';
      readonly budgetMs: number;
      readonly message: string;
      readonly hint: string;
    }
  /** The journey's steps together took longer than the journey's `warnAfter`. */
  | {
      readonly kind: 'slow-journey';
      readonly tookMs: number;
      readonly budgetMs: number;
      readonly message: string;
      readonly hint: string;
    }
  /** A first-party certificate expires within `tlsWarnWithin` (or, with `insecure: true`, has expired). */
  | {
      readonly kind: 'tls-expiry';
      readonly origin: string;
      readonly notAfter: string;
      /** Negative when it has already expired (only an `insecure: true` journey gets that far). */
      readonly expiresInMs: number;
      readonly warnWithinMs: number;
      readonly message: string;
      readonly hint: string;
    };

export type DegradationKind = Degradation['kind'];

/** The W3C trace context an attempt sent on its first-party requests (`traceparent`). */
export interface TraceRef {
  /** 32 lower-case hex digits, one per attempt. */
  readonly id: string;
  /** The trace in your tracing backend: `traceUrl:` of pathproof.yaml with `{traceId}` filled in. */
  readonly url?: string;
}

interface AttemptBase {
  readonly attempt: number;
  readonly startedAt: string;
  readonly durationMs: number;
  readonly runtime?: RuntimeTruth;
  readonly steps: readonly StepResult[];
  /** Evidence of the whole attempt (a Playwright trace with --trace on-failure). */
  readonly evidence?: readonly EvidenceFile[];
  /** Notes of its steps (third-party failures, page errors of passing steps…), without repeats. */
  readonly notes?: readonly StepNote[];
  /** The trace its first-party requests carried (absent with `traceparent: false`). */
  readonly trace?: TraceRef;
}

/** One attempt of a journey: passed, failed (the target) or error (pathproof could not verify). */
export type AttemptResult =
  | (AttemptBase & {
      readonly outcome: 'passed';
      /** It worked, but not well enough: what makes the journey `degraded`. Absent: nothing to say. */
      readonly degradations?: readonly Degradation[];
    })
  | (AttemptBase & { readonly outcome: 'failed'; readonly stage: Phase; readonly failure: Failure })
  | (AttemptBase & { readonly outcome: 'error'; readonly stage: Phase; readonly error: RunnerError });

/** The attempts that did not pass. */
export type StoppedAttempt = Exclude<AttemptResult, { readonly outcome: 'passed' }>;

export type TransitionKind = 'recovered' | 'broke' | 'progressed' | 'regressed' | 'unchanged' | 'new';

export interface Transition {
  readonly kind: TransitionKind;
  /** Previous layer (or outcome when it passed / errored). */
  readonly from?: string;
  readonly to?: string;
  readonly previousRunId?: string;
  /**
   * The HTTP status the previous failure was decided on (`404` of `404 → 401`): its
   * `Failure.status`. Absent when that side passed or its failure carried no status.
   */
  readonly fromStatus?: number;
  /** The same for this run's failure. */
  readonly toStatus?: number;
}

interface JourneyBase {
  readonly name: string;
  readonly file: string;
  readonly tags: readonly string[];
  /** What the journey guards (`protects:`): reports group broken journeys by it, identity first. */
  readonly protects?: 'data' | 'code' | 'identity';
  readonly startedAt?: string;
  readonly durationMs: number;
  readonly transition?: Transition;
  readonly runtime?: RuntimeTruth;
  /**
   * Present (true) when the journey ran with `insecure: true`: TLS certificates were not
   * verified, so a pass does not prove the certificate a user's browser would see is valid.
   */
  readonly insecure?: true;
  /** Notes of the attempt shown (third-party failures, page errors of passing steps…). */
  readonly notes?: readonly StepNote[];
  readonly attempts: readonly AttemptResult[];
}

/**
 * One journey's result, a union on `outcome`. The flat `stage`, `layer`, `hint` and
 * `message` fields are part of run.json's stable surface (DESIGN §6); `failure` and
 * `error` carry the whole story.
 */
export type JourneyResult =
  | (JourneyBase & { readonly outcome: 'passed' })
  | (JourneyBase & {
      readonly outcome: 'degraded';
      /** What to do about the first degradation: `renew the certificate…`, `GET /api/orders is slow: …`. */
      readonly hint: string;
      /** What was seen, short: `GET /api/orders took 812ms (expect.warnMs 500)`. */
      readonly message: string;
      /** Every reason, in the order found. */
      readonly degradations: readonly Degradation[];
    })
  | (JourneyBase & {
      readonly outcome: 'flaky';
      /** The attempt that was retried away: its stage and what went wrong. */
      readonly stage: Phase;
      readonly layer?: Layer;
      readonly hint: string;
      readonly message: string;
      readonly retried: StoppedAttempt;
      /** The attempt that passed was degraded too (flaky outranks degraded: the failure is the news). */
      readonly degradations?: readonly Degradation[];
    })
  | (JourneyBase & {
      readonly outcome: 'failed';
      readonly stage: Phase;
      readonly layer: Layer;
      readonly hint: string;
      readonly message: string;
      readonly failure: Failure;
    })
  | (JourneyBase & {
      readonly outcome: 'error';
      readonly stage?: Phase;
      readonly hint: string;
      readonly message: string;
      readonly error: RunnerError;
    })
  | (JourneyBase & {
      readonly outcome: 'skipped';
      /** Why it did not run (`interrupted`, …). */
      readonly reason: string;
    });

export type Counts = Record<Outcome, number>;

export interface Trigger {
  readonly after?: 'deploy' | 'rollback';
  readonly deployId?: string;
  readonly expectVersion?: string;
  readonly env?: string;
  /** `confirm`: serve re-ran a scheduled journey at once to confirm a break or a recovery. */
  readonly source?: 'cli' | 'schedule' | 'api' | 'flagger' | 'confirm';
  /** --deployed-at / PATHPROOF_DEPLOYED_AT: when the deploy being verified happened (ISO 8601). */
  readonly deployedAt?: string;
  /**
   * --wait / PATHPROOF_WAIT / `wait:` of pathproof.yaml: how long the runtime checks were given
   * to hold (the rollout to finish) before the stages ran, in milliseconds.
   */
  readonly waitMs?: number;
}

/** Worst first: the order a service's posture status is picked in, and the order an operator fixes things. */
export const POSTURE_STATUSES = ['missing', 'exited', 'stale', 'wrong-volume', 'env', 'restarting', 'unhealthy', 'starting', 'extra', 'inactive', 'ok'] as const;
export type PostureStatus = (typeof POSTURE_STATUSES)[number];

export interface PostureProblem {
  readonly status: Exclude<PostureStatus, 'ok' | 'inactive'>;
  /** One short phrase: `old image: runs sha256:…, shop-api:2 is sha256:…`. Env names only, never values. */
  readonly text: string;
}

/** One compose service: intended (the compose file) vs running (the engine). */
export interface PostureRow {
  readonly service: string;
  readonly status: PostureStatus;
  readonly containers: readonly string[];
  /** The intended reference (or `(build)`), and the image IDs the containers run. */
  readonly image: { readonly intended?: string; readonly intendedId?: string; readonly running: readonly string[] };
  readonly problems: readonly PostureProblem[];
}

/** Intended vs running, per compose service (`pathproof posture`, DESIGN §7). */
export interface Posture {
  readonly project: string;
  readonly file: string;
  readonly engine: string;
  readonly consistent: boolean;
  readonly rows: readonly PostureRow[];
}

/**
 * The posture a run recorded (`intended:` of pathproof.yaml), read once its journeys finished.
 * `unavailable` when the engine could not be asked: a warning of the run, never its verdict.
 */
export type RunPosture =
  | (Posture & {
      readonly status: 'read';
      /** When it was read (ISO 8601). */
      readonly at: string;
      /** One line naming exactly which services drift: `partial deployment: stale: worker — as intended: api`. */
      readonly summary: string;
    })
  | {
      readonly status: 'unavailable';
      readonly file: string;
      readonly project: string;
      readonly at: string;
      /** The engine fault (ENGINE_UNREACHABLE, …). */
      readonly code: string;
      readonly message: string;
    };

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
  /** With `intended:` in pathproof.yaml: intended vs running containers, read after the journeys. */
  readonly posture?: RunPosture;
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

/** Replaces every secret value (in every encoding pathproof recognises) with `***`. */
export interface Redactor {
  redact(text: string): string;
  /** Deep copy of a JSON-like value with every string *value* redacted (keys are never touched). */
  redactDeep<T>(value: T): T;
  /** True when the text holds a secret value. */
  holdsSecret(text: string): boolean;
  /** True when there is no secret at all: every value stays as it is, so callers may skip copying. */
  readonly empty?: boolean;
}

/** Writes evidence files for one journey attempt, beside run.json. Binary only: text goes into results. */
export interface EvidenceSink {
  /** Writes `data` and returns its path relative to the run directory. */
  write(name: string, data: Uint8Array, kind: EvidenceFile['kind'], description?: string): Promise<EvidenceFile>;
}
