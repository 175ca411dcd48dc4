/**
 * The demo app's scenarios: one healthy build and nine ways a deploy goes wrong.
 * `pathproof demo --scenario <name>` starts the app broken so a newcomer sees the bad
 * deploy caught and named by layer.
 *
 * | scenario       | what breaks                                             | layer    | shown by (journeys)        |
 * |----------------|---------------------------------------------------------|----------|----------------------------|
 * | healthy        | nothing                                                 | —        | —                          |
 * | missing-route  | POST /api/refunds → 404 (build lacks the route)         | route    | refund-api                 |
 * | auth-broken    | POST /api/login → 401, Bearer token → 401               | auth     | order-api, refund-api      |
 * | forbidden      | POST /api/refunds → 403 {"error":"policy denied"}       | authz    | refund-api                 |
 * | server-error   | POST /api/refunds → 500 JSON error                      | app      | refund-api                 |
 * | wrong-version  | serves 2.1.0 where 2.0.3 is expected                    | drift    | every journey (runtime)    |
 * | wrong-text     | refund "pending" (page) and amount ÷100 (API)           | result   | refund-api                 |
 * | missing-button | order page renders without "Request refund"             | frontend | refund-request             |
 * | slow           | POST /api/refunds answers after 20s (> step timeout)    | app      | refund-api                 |
 * | unavailable    | every route → 503 JSON from the app itself (not a proxy)| app      | every journey              |
 *
 * Hazard: `unavailable` answers 503, which DESIGN §2 lists under `proxy`. The response is
 * the app's own (`server: pathproof-demo`, JSON body, `x-app-version`), so a classifier that
 * looks at who generated the 503 names `app`; one keyed on the status alone says `proxy`.
 */
import type { Layer } from '../result/types.js';

/** The version a healthy demo build serves, and what the demo journeys expect by default. */
export const DEMO_VERSION = '2.0.3';

/** What the `wrong-version` scenario serves instead (a newer build left running after a rollback). */
export const WRONG_VERSION = '2.1.0';

/** How long `slow` holds POST /api/refunds: longer than the default step timeout (10s). */
export const SLOW_DELAY_MS = 20_000;

export const SCENARIO_NAMES = [
  'healthy',
  'missing-route',
  'auth-broken',
  'forbidden',
  'server-error',
  'wrong-version',
  'wrong-text',
  'missing-button',
  'slow',
  'unavailable',
] as const;

/** A way to start the demo app: healthy, or broken in one layer. */
export type ScenarioName = (typeof SCENARIO_NAMES)[number];

export interface Scenario {
  /** One line for `pathproof demo --help` and the demo banner. */
  readonly description: string;
  /** What the app does differently, as an operator would notice it. */
  readonly breaks: string;
  /** The layer the demo journeys should name; undefined for `healthy`. */
  readonly layer: Layer | undefined;
  /** Journeys (file basenames) that fail with `layer` in this scenario. Others may fail too. */
  readonly shownBy: readonly string[];
}

const EVERY_JOURNEY = ['api-health', 'home-page', 'order-api', 'refund-api', 'refund-request'] as const;

export const SCENARIOS = {
  healthy: {
    description: 'The build that should be running: every journey passes.',
    breaks: 'nothing',
    layer: undefined,
    shownBy: [],
  },
  'missing-route': {
    description: 'The running build lacks the refunds route (an old image, a bad merge).',
    breaks: 'POST /api/refunds answers 404 like any unknown path',
    layer: 'route',
    shownBy: ['refund-api'],
  },
  'auth-broken': {
    description: 'The identity provider rejects everyone (rotated key, wrong secret).',
    breaks: 'POST /api/login answers 401; API calls with the Bearer token or a session answer 401',
    layer: 'auth',
    shownBy: ['order-api', 'refund-api'],
  },
  forbidden: {
    description: 'A policy change denies refunds to an authenticated user.',
    breaks: 'POST /api/refunds answers 403 {"error":"policy denied"}',
    layer: 'authz',
    shownBy: ['refund-api'],
  },
  'server-error': {
    description: 'The refunds handler crashes (a failing dependency, a null dereference).',
    breaks: 'POST /api/refunds answers 500 with a JSON error',
    layer: 'app',
    shownBy: ['refund-api'],
  },
  'wrong-version': {
    description: `A different build is serving: ${WRONG_VERSION} where ${DEMO_VERSION} is expected (the rollback did not take).`,
    breaks: `GET /version, x-app-version and <meta name="app-version"> say ${WRONG_VERSION}`,
    layer: 'drift',
    shownBy: EVERY_JOURNEY,
  },
  'wrong-text': {
    description: 'Everything answers 2xx, but the data is wrong (a units bug, a changed status).',
    breaks: 'refunds come back with status "pending" and the amount divided by 100; the page says "Refund pending"',
    layer: 'result',
    shownBy: ['refund-api'],
  },
  'missing-button': {
    description: 'The order page ships without its "Request refund" button (a broken feature flag).',
    breaks: 'GET /orders/:id renders the amount field but no "Request refund" button',
    layer: 'frontend',
    shownBy: ['refund-request'],
  },
  slow: {
    description: 'The refunds handler hangs on a slow dependency.',
    breaks: `POST /api/refunds answers only after ${SLOW_DELAY_MS / 1000}s, longer than the step timeout`,
    layer: 'app',
    shownBy: ['refund-api'],
  },
  unavailable: {
    description: 'The app is up but refuses all work (maintenance mode, exhausted pool).',
    breaks: 'every route answers 503 with a JSON body from the app itself (server: pathproof-demo)',
    layer: 'app',
    shownBy: EVERY_JOURNEY,
  },
} as const satisfies Record<ScenarioName, Scenario>;

export function isScenarioName(value: string): value is ScenarioName {
  return (SCENARIO_NAMES as readonly string[]).includes(value);
}

/** The version the app reports in this scenario. */
export function servedVersion(scenario: ScenarioName, healthyVersion: string = DEMO_VERSION): string {
  return scenario === 'wrong-version' ? WRONG_VERSION : healthyVersion;
}
