/**
 * The journey language (DESIGN §1) as zod schemas: the single source of types, defaults
 * and the JSON Schema editors use (`pathproof schema`, `journeys/schema.json`).
 *
 * Every object is strict, so a typo is an error (the loader adds "did you mean").
 * Interpolation of `${VAR}` / `${secret:NAME}` happens on the YAML scalars *before* this
 * schema sees them; `{{ capture }}` placeholders stay in the strings until run time.
 */
import { z } from 'zod';
import { regexProblem } from './regex.js';
import { DURATION_RE, durationMs, parseDuration } from './duration.js';
import { validCronExpression } from './cron-check.js';

// ---------------------------------------------------------------------------
// Scalars

/** `500ms`, `30s`, `1m30s`, `1h`, `1d`, or a number of milliseconds. Parsed to milliseconds (./duration.ts). */
export const Duration = z
  .union([
    z.number().int().nonnegative(),
    z.string().regex(DURATION_RE, { message: 'expected a duration such as 500ms, 30s, 1m30s, 2m or 1h' }),
  ])
  .transform((value) => (typeof value === 'number' ? value : durationMs(value)))
  .describe('A duration: 500ms, 30s, 1m30s, 2m, 1h (Go style, parts may be combined), or a number of milliseconds.');

export { parseDuration };

/**
 * A user regular expression, checked here so a pattern RE2 cannot run (backreferences,
 * lookaround) is a file:line:col diagnostic at load, not a failure at run time.
 */
const UserRegex = z
  .string()
  .superRefine((pattern, ctx) => {
    const problem = regexProblem(pattern);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem });
  })
  .describe('A regular expression in RE2 syntax (linear time: no backreferences, no lookaround).');

const JsonPath = z
  .string()
  .regex(/^\$/, { message: 'a JSON path starts with $, e.g. $.items[0].id' })
  .describe('A JSON path such as $.version or $.items[0].id.');

const StatusClass = z
  .string()
  .regex(/^[1-5]xx$/, { message: 'expected a status code or a class such as 2xx' });
const StatusCode = z.number().int().min(100).max(599);
const StatusMatcher = z
  .union([StatusCode, StatusClass, z.array(z.union([StatusCode, StatusClass])).min(1)])
  .describe('Expected status: a code (200), a class (2xx) or a list of either ([200, 204]).');

/**
 * A matcher for a value. A plain object whose keys are all matcher keys is a matcher;
 * to compare against an object literal use `{ equals: {...} }`.
 */
export const Matcher = z
  .strictObject({
    equals: z.unknown().optional().describe('Deep equality.'),
    notEquals: z.unknown().optional(),
    contains: z.string().optional().describe('The value (as text) contains this substring.'),
    notContains: z.string().optional(),
    regex: UserRegex.optional().describe('The value (as text) matches this regular expression (RE2 syntax).'),
    exists: z.boolean().optional().describe('The path or header is present (true) or absent (false).'),
    gt: z.number().optional(),
    gte: z.number().optional(),
    lt: z.number().optional(),
    lte: z.number().optional(),
    type: z.enum(['string', 'number', 'boolean', 'object', 'array', 'null']).optional(),
    length: z.number().int().nonnegative().optional().describe('Length of a string or an array.'),
  })
  .describe('A matcher: equals, notEquals, contains, notContains, regex, exists, gt/gte/lt/lte, type, length.');
export type Matcher = z.infer<typeof Matcher>;

export const MATCHER_KEYS = Object.keys(Matcher.shape) as readonly (keyof Matcher)[];

/**
 * A JSON expectation is a value or a matcher (decided at run time by its keys): a matcher's
 * `regex` is checked here like every other user regex.
 */
function checkMatcherRegex(value: unknown, ctx: z.RefinementCtx): void {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return;
  const keys = Object.keys(value);
  if (keys.length === 0 || !keys.every((key) => (MATCHER_KEYS as readonly string[]).includes(key))) return;
  const pattern = (value as { regex?: unknown }).regex;
  const problem = typeof pattern === 'string' ? regexProblem(pattern) : undefined;
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: problem, path: ['regex'] });
}

const HeaderMap = z.record(z.string(), z.string());

// ---------------------------------------------------------------------------
// HTTP steps

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'] as const;
// The URL is one token, except that `{{ name }}` capture placeholders may hold spaces.
const REQUEST_LINE_RE = new RegExp(`^(?:(${METHODS.join('|')})\\s+)?((?:\\{\\{[^{}]*\\}\\}|\\S)+)$`);

/** `GET /path`, `POST https://host/path`, or just `/path` (GET). */
export function parseRequestLine(line: string): { method: string; url: string } | undefined {
  const match = REQUEST_LINE_RE.exec(line.trim());
  if (!match) return undefined;
  return { method: match[1] ?? 'GET', url: match[2] as string };
}

const RequestLine = z
  .string()
  .refine((line) => parseRequestLine(line) !== undefined, {
    message: `expected "METHOD /path" with METHOD one of ${METHODS.join(', ')}`,
  })
  .describe('A request line: "GET /path", "POST https://host/path", or "/path".');

const RequestObject = z
  .strictObject({
    method: z.enum(METHODS).default('GET'),
    url: z.string().min(1).describe('A path (joined to `target`) or an absolute http(s) URL.'),
    headers: HeaderMap.optional(),
    query: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
    json: z.unknown().optional().describe('A JSON body; sets content-type: application/json.'),
    form: z
      .record(z.string(), z.union([z.string(), z.number(), z.boolean()]))
      .optional()
      .describe('A URL-encoded form body.'),
    body: z.string().optional().describe('A raw body.'),
    followRedirects: z
      .union([z.boolean(), z.number().int().min(0).max(20)])
      .optional()
      .describe('Follow redirects (default true, up to 10) — false to assert on the 3xx itself.'),
  })
  .refine((r) => [r.json, r.form, r.body].filter((b) => b !== undefined).length <= 1, {
    message: 'use only one of json, form and body',
  });

export const RequestSpec = z.union([RequestLine, RequestObject]);
export type RequestSpec = z.input<typeof RequestSpec>;

const BodyExpectation = z.union([
  z.string().describe('The body contains this text.'),
  z.strictObject({
    contains: z.string().optional(),
    notContains: z.string().optional(),
    regex: UserRegex.optional(),
  }),
]);

export const Expect = z
  .strictObject({
    status: StatusMatcher.optional(),
    headers: z.record(z.string(), z.union([z.string(), Matcher])).optional(),
    json: z
      .record(JsonPath, z.unknown().superRefine(checkMatcherRegex))
      .optional()
      .describe('JSON path → expected value, or a matcher such as { gte: 1 }.'),
    body: BodyExpectation.optional(),
    maxMs: z.number().int().positive().optional().describe('The whole exchange takes at most this many ms.'),
    warnMs: z
      .number()
      .int()
      .positive()
      .optional()
      .describe('Slower than this many ms (the whole exchange) and the step still passes, but the journey is `degraded`. Below maxMs.'),
  })
  .refine((e) => e.warnMs === undefined || e.maxMs === undefined || e.warnMs < e.maxMs, {
    message: 'warnMs must be below maxMs: the warning comes before the failure',
    path: ['warnMs'],
  })
  .describe('What the response must look like. Without `status`, any 2xx/3xx passes.');
export type Expect = z.infer<typeof Expect>;

const HttpCapture = z.union([
  JsonPath,
  z.strictObject({ json: JsonPath }),
  z.strictObject({ header: z.string() }),
  z.strictObject({ regex: UserRegex, group: z.number().int().nonnegative().optional() }),
]);

const CaptureName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, { message: 'capture names are identifiers' });

const commonStep = {
  name: z.string().optional().describe('A label for reports; defaults to the action.'),
  timeout: Duration.optional().describe('Step timeout (default 10s, bounded by the journey timeout).'),
};

/** Browser steps may also say when they are slow (HTTP steps say it with `expect.warnMs`). */
const browserStep = {
  ...commonStep,
  warnAfter: Duration.optional().describe('Slower than this and the step still passes, but the journey is `degraded` (e.g. 2s).'),
};

export const HttpStep = z.strictObject({
  ...commonStep,
  request: RequestSpec,
  headers: HeaderMap.optional().describe('Request headers, merged over those of `request` (handy with the "GET /path" form).'),
  expect: Expect.optional(),
  capture: z
    .record(CaptureName, HttpCapture)
    .optional()
    .describe('name → JSON path, { header }, or { regex, group }; use later as {{ name }}.'),
});

// ---------------------------------------------------------------------------
// Browser steps

const LOCATOR_KEYS = ['role', 'label', 'text', 'testId', 'placeholder', 'css'] as const;

const locatorFields = {
  role: z.string().optional().describe('ARIA role, e.g. button, link, heading; pair with `name`.'),
  name: z.string().optional().describe('Accessible name, with `role`.'),
  label: z.string().optional().describe('The form control labelled by this text.'),
  text: z.string().optional().describe('An element containing this text.'),
  testId: z.string().optional().describe('data-testid attribute.'),
  placeholder: z.string().optional(),
  css: z.string().optional().describe('A CSS selector: the last resort.'),
  exact: z.boolean().optional().describe('Match name/label/text exactly (default: substring, case-insensitive).'),
  nth: z.number().int().optional().describe('Pick the nth match (0-based, -1 for last) when several match.'),
};

function exactlyOneLocator(value: Record<string, unknown>): boolean {
  return LOCATOR_KEYS.filter((key) => value[key] !== undefined).length === 1;
}
const LOCATOR_MESSAGE = `a locator needs exactly one of ${LOCATOR_KEYS.join(', ')} (name goes with role)`;

export const Locator = z
  .strictObject(locatorFields)
  .refine(exactlyOneLocator, { message: LOCATOR_MESSAGE })
  .describe("A user-facing locator: role+name, label, text, testId, placeholder, or css.");
export type Locator = z.infer<typeof Locator>;

function locatorWith<T extends z.ZodRawShape>(extra: T) {
  return z.strictObject({ ...locatorFields, ...extra }).refine(exactlyOneLocator, { message: LOCATOR_MESSAGE });
}

const TextOrLocator = z.union([z.string().min(1).describe('Visible text.'), Locator]);

function isNavigableUrl(url: string): boolean {
  if (url.startsWith('/') || url.includes('{{')) return true;
  try {
    const parsed = new URL(url);
    return parsed.protocol === 'http:' || parsed.protocol === 'https:';
  } catch {
    return false;
  }
}
const NavigableUrl = z.string().refine(isNavigableUrl, {
  message: 'expected a path starting with / or an absolute http(s) URL',
});

const BrowserCapture = z.union([
  z.enum(['text', 'value', 'url']),
  z.strictObject({ attribute: z.string() }),
  z.strictObject({ regex: UserRegex, group: z.number().int().nonnegative().optional(), from: z.enum(['text', 'url']).optional() }),
]);
const browserCapture = z
  .record(CaptureName, BrowserCapture)
  .optional()
  .describe('name → text | value | url | { attribute } | { regex, group, from }; use later as {{ name }}.');

export const GotoStep = z.strictObject({
  ...browserStep,
  goto: z.union([
    NavigableUrl,
    z.strictObject({
      url: NavigableUrl,
      waitUntil: z.enum(['load', 'domcontentloaded', 'networkidle', 'commit']).optional(),
    }),
  ]),
});
export const ClickStep = z.strictObject({ ...browserStep, click: TextOrLocator });
export const FillStep = z.strictObject({
  ...browserStep,
  fill: locatorWith({ value: z.string().describe('Text to type; may use {{ capture }} and ${secret:NAME}.') }),
});
export const PressStep = z.strictObject({
  ...browserStep,
  press: z.union([z.string().describe('A key such as Enter, on the focused element.'), locatorWith({ key: z.string() })]),
});
export const SelectStep = z.strictObject({
  ...browserStep,
  select: locatorWith({ option: z.union([z.string(), z.array(z.string())]).describe('Option value or label.') }),
});
export const CheckStep = z.strictObject({
  ...browserStep,
  check: z.union([z.string().describe('Label text.'), locatorWith({ checked: z.boolean().optional() })]),
});
export const SeeStep = z.strictObject({ ...browserStep, see: TextOrLocator, capture: browserCapture });
export const NotSeeStep = z.strictObject({ ...browserStep, notSee: TextOrLocator });
export const ExpectUrlStep = z.strictObject({
  ...browserStep,
  expectUrl: z.union([
    z.string().describe('The page URL contains this text (usually a path).'),
    z.strictObject({ equals: z.string().optional(), contains: z.string().optional(), regex: UserRegex.optional() }),
  ]),
  capture: browserCapture,
});
export const ScreenshotStep = z.strictObject({
  ...browserStep,
  screenshot: z.union([
    z.string().regex(/^[A-Za-z0-9._-]+$/, { message: 'a screenshot name is a plain file name' }),
    z.literal(true),
    z.strictObject({ name: z.string().optional(), fullPage: z.boolean().optional() }),
  ]),
});
export const WaitStep = z.strictObject({
  ...browserStep,
  wait: z.union([Duration, z.strictObject({ for: Locator }), z.strictObject({ url: z.string() })]),
});

// ---------------------------------------------------------------------------
// The step registry

/** Every step kind, keyed by its action key. Drivers are registered against the same keys. */
export const STEP_SCHEMAS = {
  request: HttpStep,
  goto: GotoStep,
  click: ClickStep,
  fill: FillStep,
  press: PressStep,
  select: SelectStep,
  check: CheckStep,
  see: SeeStep,
  notSee: NotSeeStep,
  expectUrl: ExpectUrlStep,
  screenshot: ScreenshotStep,
  wait: WaitStep,
} as const satisfies Record<string, z.ZodType>;

export type StepKind = keyof typeof STEP_SCHEMAS;
export const STEP_KINDS = Object.keys(STEP_SCHEMAS) as StepKind[];

/**
 * A step: exactly one action key. `z.union` keeps the JSON Schema and the types exact;
 * the loader reports errors from the branch whose action key the step actually has.
 */
type StepSchema = (typeof STEP_SCHEMAS)[StepKind];
/** Derived from STEP_SCHEMAS, in its order: a kind added there is a step everywhere (types and JSON Schema). */
export const Step = z.union(Object.values(STEP_SCHEMAS) as [StepSchema, ...StepSchema[]]);
export type StepOf<K extends StepKind> = z.infer<(typeof STEP_SCHEMAS)[K]>;
export type Step = StepOf<StepKind>;

/** Which action keys an object carries (a valid step carries exactly one). */
export function actionKeys(step: object): StepKind[] {
  return STEP_KINDS.filter((kind) => kind in step);
}

/** The action key of a validated step. */
export function stepKind(step: Step): StepKind {
  const [kind] = actionKeys(step);
  if (!kind) throw new Error('unreachable: a validated step has an action key');
  return kind;
}

// ---------------------------------------------------------------------------
// Runtime truth

const runtimeSource = {
  request: RequestSpec.optional().describe('Where to read it; default GET / of the target.'),
  header: z.string().optional().describe('Read the value from this response header.'),
  json: JsonPath.optional().describe('Read the value from this JSON path of the body.'),
  meta: z.string().optional().describe('Read the content of <meta name="…"> in the HTML body.'),
  regex: UserRegex.optional().describe('Read the first group of this regex (RE2 syntax) over the body (asset fingerprints).'),
  expect: z.string().optional().describe('The value that should be served; --expect-version overrides for version.'),
};
const oneSource = (c: { header?: string; json?: string; meta?: string; regex?: string }): boolean =>
  [c.header, c.json, c.meta, c.regex].filter((s) => s !== undefined).length === 1;
const ONE_SOURCE = 'say where to read the value: exactly one of header, json, meta, regex';

export const RuntimeCheck = z.strictObject(runtimeSource).refine(oneSource, { message: ONE_SOURCE });
export type RuntimeCheck = z.infer<typeof RuntimeCheck>;

// ---------------------------------------------------------------------------
// Alerts (pathproof serve)

const confirmCount = z
  .number()
  .int()
  .min(1)
  .max(20)
  .describe('Consecutive failed runs before a journey is down (default 2; the first failure re-runs at once).');
const recoverCount = z.number().int().min(1).max(20).describe('Consecutive passing runs before a down journey is up again (default 1).');

/** Per journey: overrides `alerts.confirm` / `alerts.recover` of pathproof.yaml. */
export const JourneyAlerts = z
  .strictObject({ confirm: confirmCount.optional(), recover: recoverCount.optional() })
  .describe('How many runs confirm a break or a recovery of this journey (serve only).');
export type JourneyAlerts = z.infer<typeof JourneyAlerts>;
/** A named in-platform fact the user path depends on (a plugin enabled, a flag, a migration applied). */
export const RuntimeFact = z
  .strictObject({
    name: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, { message: 'a fact name is a plain word, e.g. workflow-plugin-enabled' })
      .describe('Names the fact in reports and hints.'),
    ...runtimeSource,
  })
  .refine(oneSource, { message: ONE_SOURCE })
  .describe('A platform fact: read like `version`; a mismatch is drift with the fact\'s name.');
export type RuntimeFact = z.infer<typeof RuntimeFact>;

/** An origin (`https://api.example.com`): first-party for the journey besides its target. */
const OriginUrl = z
  .string()
  .refine((url) => /^https?:\/\//.test(url) && URL.canParse(url), { message: 'expected an absolute http(s) URL such as https://api.example.com' })
  .describe('An absolute http(s) URL; only its origin (scheme, host, port) counts.');

export const Origins = z
  .array(OriginUrl)
  .describe("Other first-party origins (the API host, the CDN of the app's own bundles). Everything else is third-party: evidence only.");

// Container truth (DESIGN §7)

const ContainerPath = z
  .string()
  .regex(/^\/[^\0]*$/, { message: 'a path inside the container is absolute, e.g. /app/dist' })
  .describe('An absolute path inside the container.');

/** The selector keys of `runtime.container`: exactly one is given. */
export const CONTAINER_SELECTORS = ['service', 'name', 'label'] as const;

export const ContainerExpect = z
  .strictObject({
    image: z
      .string()
      .regex(/^[A-Za-z0-9][A-Za-z0-9._/:@-]{0,511}$/, { message: 'expected an image reference such as shop-api:2.0.3 or registry/app@sha256:…' })
      .optional()
      .describe(
        'The intended image. The engine resolves it to an image ID now and compares it with the image the container was created from: a tag that moved to a new build is drift even when the tag strings are equal.',
      ),
    health: z
      .enum(['running', 'healthy'])
      .optional()
      .describe('running (default): up and not unhealthy; healthy: its health check passes (needs a HEALTHCHECK).'),
    createdAfter: z
      .union([z.literal('deploy'), z.iso.datetime({ offset: true, message: 'expected deploy or an ISO 8601 time such as 2026-11-22T09:15:00Z' })])
      .optional()
      .describe(
        'The container was (re)created after this: `deploy` is --deployed-at / PATHPROOF_DEPLOYED_AT when given, else the creation time of the intended image; or an ISO 8601 time.',
      ),
    files: z
      .array(ContainerPath)
      .min(1)
      .optional()
      .describe('Paths that must exist inside the running container (the artifact), checked read-only through the engine.'),
    mounts: z
      .record(ContainerPath, z.string().min(1))
      .optional()
      .describe('Mount path → volume name (compose-prefixed names match too) or host path of a bind mount.'),
    env: z
      .record(z.string().regex(/^[^=\s]+$/, { message: 'an env name has no "=" or spaces' }), z.string())
      .optional()
      .describe('Env name → value. Only the values listed here are ever read or shown; never list secrets.'),
    labels: z
      .record(z.string().min(1), z.string())
      .optional()
      .describe('Label → value on the container (image labels included), e.g. org.opencontainers.image.version.'),
  })
  .describe('What must hold for the selected container.');
export type ContainerExpect = z.infer<typeof ContainerExpect>;

export const ContainerCheck = z
  .strictObject({
    service: z.string().min(1).optional().describe('Select by compose service (com.docker.compose.service label).'),
    project: z
      .string()
      .min(1)
      .optional()
      .describe('With service: the compose project (default: intended.project of pathproof.yaml, else any project).'),
    name: z.string().min(1).optional().describe('Select by container name.'),
    label: z.record(z.string().min(1), z.string()).optional().describe('Select by labels: every one must match.'),
    expect: ContainerExpect.optional(),
  })
  .refine((c) => CONTAINER_SELECTORS.filter((key) => c[key] !== undefined).length === 1, {
    message: `select the container with exactly one of ${CONTAINER_SELECTORS.join(', ')}`,
  })
  .refine((c) => c.project === undefined || c.service !== undefined, { message: 'project goes with service' })
  .describe('Runtime truth from the container engine (DOCKER_HOST, read-only): which container serves, from which image, with what.');
export type ContainerCheck = z.infer<typeof ContainerCheck>;

const Stage = z.array(Step).describe('Steps of this stage, run in order.');

export const Journey = z
  .strictObject({
    name: z
      .string()
      .regex(/^[a-z0-9][a-z0-9-]*$/, { message: 'use lower-case letters, digits and dashes, e.g. refund-request' })
      .max(100)
      .describe('Unique name, [a-z0-9-]: used in metrics and file names.'),
    description: z.string().optional(),
    tags: z
      .array(z.string().regex(/^[A-Za-z0-9_.-]+$/, { message: 'tags are plain words' }))
      .default([])
      .describe('Select journeys with --tag.'),
    protects: z.enum(['data', 'code', 'identity']).optional().describe('What this journey guards.'),
    target: z
      .string()
      .refine((url) => /^https?:\/\//.test(url) && URL.canParse(url), { message: 'expected an absolute http(s) URL' })
      .optional()
      .describe('Base URL; usually ${BASE_URL}. Relative paths in steps join to it.'),
    schedule: z
      .string()
      .refine((expr) => validCronExpression(expr), {
        message: 'expected a cron expression such as "*/5 * * * *" (5 or 6 fields)',
      })
      .optional()
      .describe('Cron schedule for `pathproof serve`.'),
    timeout: Duration.optional().describe('Each attempt of the whole journey, all stages (default 30s).'),
    retries: z.number().int().min(0).max(5).optional().describe('Retries after a failure; a pass on retry is "flaky".'),
    warnAfter: Duration.optional().describe(
      'Steps together slower than this (runtime checks and browser start-up not counted) and the journey still passes, but is `degraded`.',
    ),
    traceparent: z
      .boolean()
      .optional()
      .describe('Send a W3C traceparent header on first-party requests (default true; overrides pathproof.yaml). false: never.'),
    insecure: z
      .boolean()
      .optional()
      .describe('Accept invalid TLS certificates for this target. Loud in every report.'),
    origins: Origins.optional(),
    failOnPageErrors: z
      .boolean()
      .optional()
      .describe("Fail a browser step when the page's own script throws, even if the step otherwise passed (default false: noted only)."),
    runtime: z
      .strictObject({
        version: RuntimeCheck.optional(),
        environment: RuntimeCheck.optional(),
        facts: z.array(RuntimeFact).optional().describe('Named platform facts the user path depends on; a mismatch is drift.'),
        container: ContainerCheck.optional(),
      })
      .optional()
      .describe('Runtime truth, checked before any stage: a mismatch is layer drift.'),
    alerts: JourneyAlerts.optional(),
    entry: Stage.optional().describe('Can the user see the entry point?'),
    open: Stage.optional().describe('Can they open it?'),
    action: Stage.optional().describe('Can they complete the core action?'),
    result: Stage.optional().describe('Is the result correct?'),
  })
  .refine((j) => (j.entry?.length ?? 0) + (j.open?.length ?? 0) + (j.action?.length ?? 0) + (j.result?.length ?? 0) > 0, {
    message: 'a journey needs at least one step in entry, open, action or result',
  })
  .describe('A pathproof user journey.');
export type Journey = z.infer<typeof Journey>;

// ---------------------------------------------------------------------------
// Project file (pathproof.yaml)

export const EnvironmentConfig = z.strictObject({
  target: z.string().optional().describe('Base URL for journeys in this environment.'),
  expectVersion: z.string().optional(),
  vars: z.record(z.string(), z.string()).optional().describe('Extra ${VAR} values for this environment.'),
});

/**
 * A URL a receiver listens on. `${VAR}` and `${secret:NAME}` are resolved when serve starts
 * (the project file is read without interpolation), so a reference is accepted as is here.
 */
const ReceiverUrl = z
  .string()
  .refine((url) => url.includes('${') || (/^https?:\/\//.test(url) && URL.canParse(url)), {
    message: 'expected an absolute http(s) URL, or a ${VAR} / ${secret:NAME} reference',
  });

export const ALERT_EVENTS = ['broke', 'recovered', 'progressed', 'regressed', 'flapping'] as const;

function validTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

const CronExpression = z.string().refine((expr) => validCronExpression(expr), {
  message: 'expected a cron expression such as "0 2 * * SUN" (5 or 6 fields)',
});

export const AlertsConfig = z
  .strictObject({
    confirm: confirmCount.optional(),
    recover: recoverCount.optional(),
    flapping: z
      .union([
        z.literal(false),
        z.strictObject({
          changes: z.number().int().min(2).max(100).optional().describe('State changes (passing ↔ failing) that make a journey flapping (default 6).'),
          window: Duration.optional().describe('Within this window (default 1h); a journey stable for a whole window stops flapping.'),
        }),
      ])
      .optional()
      .describe('When a journey changes state too often it is flapping: shown, exported, alarmed once. `false` turns it off.'),
    layerChanges: z
      .boolean()
      .optional()
      .describe('Also alert when a down journey breaks at another layer (progressed / regressed). Default false.'),
    severity: z.string().regex(/^[a-z][a-z0-9_-]*$/).optional().describe('Alertmanager severity label of a down journey (default critical).'),
    externalUrl: ReceiverUrl.optional().describe('Where people reach this serve (links in alerts); default the --listen address.'),
    deploySilence: Duration.optional().describe('How long a deploy in progress (Flagger hook) keeps alerts quiet, renewed by each call (default 10m).'),
    webhooks: z
      .array(
        z.strictObject({
          url: ReceiverUrl,
          secret: z.string().min(1).optional().describe('Signs each body: X-Pathproof-Signature-256: sha256=<HMAC-SHA256 hex>. Use ${secret:NAME}.'),
        }),
      )
      .optional()
      .describe('JSON webhooks: { event, journey, env, outcome, layer, stage, status, hint, transition, runId, links }.'),
    alertmanager: z
      .array(z.union([ReceiverUrl, z.strictObject({ url: ReceiverUrl })]))
      .optional()
      .describe('Alertmanager base URLs (v2 API): alerts fire on a confirmed break and resolve on recovery.'),
    slack: z.array(z.strictObject({ url: ReceiverUrl })).optional().describe('Slack incoming webhooks. Use ${secret:NAME} for the URL.'),
  })
  .describe('Confirmed alarms of `pathproof serve`: confirmation, flapping, receivers.');
export type AlertsConfig = z.infer<typeof AlertsConfig>;

export const MaintenanceWindow = z
  .strictObject({
    cron: CronExpression.describe('When each window starts.'),
    duration: Duration.describe('How long it lasts.'),
    timezone: z
      .string()
      .refine(validTimeZone, { message: 'expected an IANA time zone such as UTC or Europe/Berlin' })
      .optional()
      .describe('Time zone of the cron expression (default: TZ, else UTC).'),
    name: z.string().max(100).optional().describe('Shown on the status page.'),
  })
  .describe('A recurring quiet window: journeys run and are recorded, no alert is sent.');
export type MaintenanceWindow = z.infer<typeof MaintenanceWindow>;

export const ProjectConfig = z
  .strictObject({
    journeys: z.string().optional().describe('Journey directory (default journeys/).'),
    defaults: z
      .strictObject({
        timeout: Duration.optional().describe('Journey timeout (default 30s).'),
        stepTimeout: Duration.optional().describe('Step timeout (default 10s).'),
        retries: z.number().int().min(0).max(5).optional(),
        concurrency: z.number().int().min(1).max(256).optional(),
      })
      .optional(),
    environments: z.record(z.string(), EnvironmentConfig).optional(),
    reportDir: z.string().optional().describe('Report root (default reports/).'),
    origins: Origins.optional(),
    keepRuns: z
      .number()
      .int()
      .min(1)
      .optional()
      .describe('Keep only the newest n run directories in the report root (default: all for run, 500 for serve).'),
    pushgateway: z.string().optional(),
    alerts: AlertsConfig.optional(),
    maintenance: z.array(MaintenanceWindow).optional().describe('Quiet windows for `pathproof serve` alerts.'),
    traceUrl: z
      .string()
      .refine((url) => url.includes('{traceId}'), { message: 'a traceUrl needs the {traceId} placeholder, e.g. https://tempo.example/trace/{traceId}' })
      .refine((url) => url.includes('${') || /^https?:\/\//.test(url), { message: 'expected an absolute http(s) URL with {traceId}' })
      .optional()
      .describe('Link to a trace from its id: https://tempo.example/trace/{traceId}.'),
    tlsWarnWithin: Duration.optional().describe(
      'A first-party TLS certificate that expires within this long (e.g. 14d) makes the run `degraded`, with a hint. Default: off (the expiry is still recorded and exported).',
    ),
    traceparent: z
      .boolean()
      .optional()
      .describe('Send a W3C traceparent header on first-party requests (default true); a journey can override it.'),
    engine: z
      .string()
      .min(1)
      .optional()
      .describe('The container engine: unix:///var/run/docker.sock (default) or tcp://host:port; DOCKER_HOST overrides it.'),
    wait: Duration.refine((ms) => ms <= 60 * 60_000, { message: 'at most 1h' })
      .optional()
      .describe(
        'Before any stage, poll the runtime checks until they hold, up to this long (the rollout to finish): the default of `run --wait`, and of runs a Flagger webhook starts in serve. Scheduled runs never wait.',
      ),
    intended: z
      .strictObject({
        compose: z.string().min(1).describe('The compose file that says what should run (pathproof posture reads it).'),
        project: z.string().min(1).optional().describe('The compose project name (default as compose: the directory name).'),
      })
      .optional()
      .describe('What should be running: used by `pathproof posture` and as the default project of runtime.container.'),
  })
  .describe('pathproof project configuration.');
export type ProjectConfig = z.infer<typeof ProjectConfig>;

export const DEFAULTS = {
  journeyTimeoutMs: 30_000,
  stepTimeoutMs: 10_000,
  retries: 0,
  concurrency: 4,
  reportDir: 'reports',
  journeysDir: 'journeys',
  maxRedirects: 10,
  maxBodyBytes: 1024 * 1024,
} as const;

/** The JSON Schema editors use, generated from the zod schema (never by hand). */
export function journeyJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(Journey, { io: 'input', unrepresentable: 'any', target: 'draft-7' }) as Record<string, unknown>;
}
