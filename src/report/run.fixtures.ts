/**
 * (Test support: named *.fixtures.ts so the build leaves it out.)
 *
 * One run with every outcome, for the file reporters' unit tests: a passed journey that
 * recovered, a flaky one, a failed one with assertions and evidence, an error, and one
 * skipped by an interruption.
 */
import type { AttemptResult, Degradation, JourneyResult, RunPosture, RunResult, StoppedAttempt } from '../result/types.js';

const T0 = Date.parse('2026-11-22T09:15:02.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

const passedAttempt = (startMs: number, durationMs: number): Extract<AttemptResult, { outcome: 'passed' }> => ({
  attempt: 1,
  outcome: 'passed',
  startedAt: at(startMs),
  durationMs,
  steps: [{ name: 'GET /healthz', kind: 'request', phase: 'entry', index: 0, durationMs: 12, status: 'passed' }],
});

const routeFailure = {
  attempt: 1,
  outcome: 'failed',
  startedAt: at(100),
  durationMs: 412,
  stage: 'action',
  failure: {
    layer: 'route',
    hint: '404 on POST /api/refunds: the route is missing in the running build — check what the container serves',
    message: 'status (404) == 201',
    reason: 'status 404 from the app (server: pathproof-demo)',
  },
  runtime: { version: { expected: '2.0.3', served: '2.0.3', source: 'GET /version' }, servedBy: 'pathproof-demo' },
  steps: [
    { name: 'the order exists', kind: 'request', phase: 'entry', index: 0, durationMs: 20, status: 'passed' },
    {
      name: 'request a refund',
      kind: 'request',
      phase: 'action',
      index: 0,
      durationMs: 30,
      status: 'failed',
      failure: { layer: 'route', hint: '404 on POST /api/refunds', message: 'status (404) == 201' },
      assertions: [
        { kind: 'status', expression: 'status (404) == 201', expected: 201, actual: 404, passed: false },
        { kind: 'json', expression: '$.id (undefined) exists', subject: '$.id', expected: true, actual: undefined, passed: false },
      ],
      evidence: [{ kind: 'body', path: 'evidence/refund-api/attempt-1/response-body.txt' }],
    },
    { name: 'the refund is recorded', kind: 'request', phase: 'result', index: 0, durationMs: 0, status: 'skipped', reason: 'a previous stage failed' },
  ],
  evidence: [{ kind: 'screenshot', path: 'evidence/refund-api/attempt-1/page.png' }],
} satisfies AttemptResult;

const slowOrders = {
  kind: 'slow-step',
  phase: 'entry',
  index: 0,
  step: 'GET /api/orders',
  tookMs: 812,
  budget: 'warnMs',
  budgetMs: 500,
  message: 'GET /api/orders took 812ms (expect.warnMs 500ms)',
  hint: 'GET /api/orders answered correctly but slowly, 812ms (expect.warnMs 500ms): most of it waiting for the server to answer (ttfb 790ms)',
} satisfies Degradation;

const expiringCertificate = {
  kind: 'tls-expiry',
  origin: 'https://shop.example',
  notAfter: '2026-11-30T00:00:00.000Z',
  expiresInMs: 7 * 86_400_000,
  warnWithinMs: 14 * 86_400_000,
  message: 'the TLS certificate of https://shop.example expires in 7 days (2026-11-30T00:00:00Z, tlsWarnWithin 14d)',
  hint: 'renew the certificate of https://shop.example before 2026-11-30T00:00:00Z',
} satisfies Degradation;

const flakyFailure = {
  attempt: 1,
  outcome: 'failed',
  startedAt: at(0),
  durationMs: 500,
  stage: 'entry',
  failure: { layer: 'app', hint: '500 on POST /api/login: the app failed', message: 'status (500) == 200' },
  steps: [
    {
      name: 'sign in',
      kind: 'request',
      phase: 'entry',
      index: 0,
      durationMs: 500,
      status: 'failed',
      failure: { layer: 'app', hint: '500 on POST /api/login', message: 'status (500) == 200' },
      assertions: [{ kind: 'status', expression: 'status (500) == 200', expected: 200, actual: 500, passed: false }],
    },
  ],
} satisfies StoppedAttempt;

export const JOURNEYS = {
  recovered: {
    name: 'api-health',
    file: 'journeys/api-health.yaml',
    tags: ['api'],
    outcome: 'passed',
    startedAt: at(0),
    durationMs: 80,
    transition: { kind: 'recovered', from: 'proxy', to: 'passed', previousRunId: 'prev-run' },
    runtime: { version: { expected: '2.0.3', served: '2.0.3' }, environment: { expected: 'demo', served: 'demo' }, servedBy: 'pathproof-demo' },
    attempts: [passedAttempt(0, 80)],
  },
  flaky: {
    name: 'order-api',
    file: 'journeys/order-api.yaml',
    tags: ['api'],
    outcome: 'flaky',
    startedAt: at(0),
    durationMs: 900,
    transition: { kind: 'unchanged', from: 'passed', to: 'flaky', previousRunId: 'prev-run' },
    stage: 'entry',
    layer: 'app',
    hint: flakyFailure.failure.hint,
    message: flakyFailure.failure.message,
    retried: flakyFailure,
    attempts: [
      flakyFailure,
      passedAttempt(500, 400),
    ],
  },
  failed: {
    name: 'refund-api',
    file: 'journeys/refund-api.yaml',
    tags: ['api'],
    outcome: 'failed',
    startedAt: at(100),
    durationMs: 412,
    stage: 'action',
    layer: 'route',
    hint: routeFailure.failure.hint,
    message: 'status (404) == 201',
    failure: routeFailure.failure,
    transition: { kind: 'broke', from: 'passed', to: 'route', previousRunId: 'prev-run' },
    runtime: routeFailure.runtime,
    attempts: [routeFailure],
  },
  error: {
    name: 'refund-request',
    file: 'journeys/refund-request.yaml',
    tags: ['browser'],
    outcome: 'error',
    startedAt: at(50),
    durationMs: 5,
    stage: 'entry',
    hint: 'no browser: install Chromium',
    message: 'no browser: install Chromium',
    error: { code: 'BROWSER_UNAVAILABLE', message: 'no browser: install Chromium' },
    transition: { kind: 'unchanged', from: 'passed', to: 'error' },
    attempts: [
      {
        attempt: 1,
        outcome: 'error',
        startedAt: at(50),
        durationMs: 5,
        stage: 'entry',
        error: { code: 'BROWSER_UNAVAILABLE', message: 'no browser: install Chromium' },
        steps: [
          {
            name: 'goto /',
            kind: 'goto',
            phase: 'entry',
            index: 0,
            durationMs: 5,
            status: 'error',
            error: { code: 'BROWSER_UNAVAILABLE', message: 'no browser: install Chromium' },
          },
        ],
      },
    ],
  },
  degraded: {
    name: 'orders-api',
    file: 'journeys/orders-api.yaml',
    tags: ['api'],
    outcome: 'degraded',
    startedAt: at(20),
    durationMs: 830,
    hint: slowOrders.hint,
    message: slowOrders.message,
    degradations: [slowOrders, expiringCertificate],
    runtime: { certificates: [{ origin: 'https://shop.example', notAfter: '2026-11-30T00:00:00.000Z', subject: 'shop.example', issuer: 'R3' }] },
    attempts: [
      {
        ...passedAttempt(20, 830),
        degradations: [slowOrders, expiringCertificate],
        trace: { id: '4bf92f3577b34da6a3ce929d0e0e4736', url: 'https://tempo.example/trace/4bf92f3577b34da6a3ce929d0e0e4736' },
      },
    ],
  },
  skipped: {
    name: 'home-page',
    file: 'journeys/home-page.yaml',
    tags: ['browser'],
    outcome: 'skipped',
    reason: 'interrupted',
    durationMs: 0,
    attempts: [],
  },
} satisfies Record<string, JourneyResult>;

/** A finished run over `journeys` (counts and outcome computed here, like summarizeRun). */
export function runOf(journeys: readonly JourneyResult[], overrides: Partial<RunResult> = {}): RunResult {
  const counts = { passed: 0, degraded: 0, flaky: 0, failed: 0, error: 0, skipped: 0 };
  for (const journey of journeys) counts[journey.outcome] += 1;
  const outcome = counts.failed ? 'failed' : counts.error ? 'error' : counts.flaky ? 'flaky' : counts.degraded ? 'degraded' : counts.passed ? 'passed' : 'skipped';
  return {
    schemaVersion: 1,
    runId: '2026-11-22T09-15-02Z-7f3a',
    status: 'complete',
    trigger: { source: 'cli', after: 'rollback', deployId: 'customer-service:2.0.3', expectVersion: '2.0.3' },
    startedAt: at(0),
    finishedAt: at(1_834),
    durationMs: 1_834,
    outcome,
    exitCode: outcome === 'failed' ? 1 : outcome === 'error' ? 3 : 0,
    counts,
    journeys,
    ...overrides,
  };
}

/** Every outcome once. */
export const MIXED_RUN = runOf([JOURNEYS.recovered, JOURNEYS.flaky, JOURNEYS.failed, JOURNEYS.error, JOURNEYS.skipped]);

/**
 * Journeys that say what they protect, in run order: `home` (failed, says nothing), `refunds`
 * (failed, data), `login` (failed at auth, identity), `export` (could not verify, data) and
 * `health` (passed, code). Broken, by what they protect: identity login · data refunds, export ·
 * without protects: home.
 */
export const PROTECTS_RUN = runOf([
  { ...JOURNEYS.failed, name: 'home', file: 'journeys/home.yaml' },
  { ...JOURNEYS.failed, name: 'refunds', file: 'journeys/refunds.yaml', protects: 'data' },
  {
    ...JOURNEYS.failed,
    name: 'login',
    file: 'journeys/login.yaml',
    protects: 'identity',
    stage: 'entry',
    layer: 'auth',
    hint: '401 on POST /api/login: the login refused the credentials',
    failure: { layer: 'auth', hint: '401 on POST /api/login: the login refused the credentials', message: 'status (401) == 200' },
  },
  { ...JOURNEYS.error, name: 'export', file: 'journeys/export.yaml', protects: 'data' },
  { ...JOURNEYS.recovered, name: 'health', file: 'journeys/health.yaml', protects: 'code' },
]);

/** What `intended:` records: a rollout that reached `api` and `web` but not `worker`. */
export const PARTIAL_POSTURE: RunPosture = {
  status: 'read',
  at: at(1_800),
  summary: 'partial deployment: stale: worker — as intended: api, web',
  project: 'shop',
  file: 'docker-compose.yml',
  engine: 'docker engine at unix:///var/run/docker.sock (API 1.41)',
  consistent: false,
  rows: [
    { service: 'api', status: 'ok', containers: ['shop-api-1'], image: { intended: 'shop-api:2.0.3', running: ['sha256:9f8e7d6c5b4a00000000000000000000000000000000000000000000000000bb'] }, problems: [] },
    {
      service: 'worker',
      status: 'stale',
      containers: ['shop-worker-1'],
      image: { intended: 'shop-worker:2.0.3', running: ['sha256:1a2b3c4d5e6f00000000000000000000000000000000000000000000000000aa'] },
      problems: [{ status: 'stale', text: 'old image: runs sha256:1a2b3c4d5e6f, shop-worker:2.0.3 is sha256:9f8e7d6c5b4a' }],
    },
    { service: 'web', status: 'ok', containers: ['shop-web-1'], image: { intended: 'shop-web:2.0.3', running: ['sha256:9f8e7d6c5b4a00000000000000000000000000000000000000000000000000bb'] }, problems: [] },
  ],
};
