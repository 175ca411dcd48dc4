/** Command-line parsing: node's parseArgs, with errors that say what to type instead. */
import { parseArgs } from 'node:util';

export const USAGE = `Usage: pathproof <command> [options]

Commands:
  run [files|dirs]        run journeys (default: journeys/)
  validate [files|dirs]   check journeys; every problem as file:line:col  field  message
  serve [files|dirs]      scheduled canaries, /metrics, /healthz, the API and webhooks
  report [RUN_DIR]        print a past run's summary and the path of its index.html (default: the latest run)
  posture --compose FILE  intended (compose file) vs running containers, per service
  schema                  print the JSON Schema of the journey language
  demo                    start the bundled sample app and run the bundled journeys against it
  help                    this text

run options:
  --tag <t>               only journeys with this tag (repeatable; any of them matches)
  --env <name>            a named environment from pathproof.yaml (target, expected version, vars)
  --expect-version <v>    the version that should be serving (also PATHPROOF_EXPECT_VERSION)
  --after deploy|rollback record what triggered this run
  --deploy-id <id>        record the deploy being verified (also PATHPROOF_DEPLOY_ID)
  --deployed-at <time>    when the deploy happened (ISO 8601 or Unix seconds; also PATHPROOF_DEPLOYED_AT):
                          what runtime.container's createdAfter: deploy compares with
  --concurrency <n>       journeys at once (default 4)
  --retries <n>           retries for every journey (overrides the files)
  --reporter <r>          console (default) or json (run.json on stdout, console on stderr)
  --rerun-failed [RUN_DIR] re-run the failed/error journeys of the latest (or named) run
  --shard <i/n>           run shard i of n (journeys split deterministically by name)
  --investigate           write investigation.md/.json for this run too (always after --after rollback)
  --pushgateway <url>     push this run's metrics to a Prometheus Pushgateway (also PATHPROOF_PUSHGATEWAY)
  --report-dir <dir>      report root (default reports/)
  --keep-runs <n>         keep only the newest n run directories in the report root
                          (default: all for run, 500 for serve)
  --out <dir>             this run's report directory, exactly
  --config <file>         project file (default pathproof.yaml if present)
  --trace off|on-failure  keep a Playwright trace of failed browser attempts (default off: traces
                          record headers and bodies, which may hold secrets)
  --quiet                 only print journeys that need attention

posture options (also --config, --deployed-at, --reporter json):
  --compose <file>        the compose file that says what should run (default: intended.compose)
  --project <name>        the compose project (default: intended.project, COMPOSE_PROJECT_NAME,
                          the file's name:, else its directory name as compose normalises it)

serve options (also --tag, --env, --concurrency, --report-dir, --config):
  --listen <host:port>    where /metrics, /healthz, the API and webhooks answer (default 127.0.0.1:9464)
  --token <t>             bearer token for everything but /metrics and /healthz (also PATHPROOF_TOKEN)
  --run-on-start          run every scheduled journey once at start
  --jitter <duration>     random delay before each scheduled run, e.g. 5s

demo options:
  --scenario <name>       start the demo broken: missing-route, auth-broken, forbidden, server-error,
                          wrong-version, wrong-text, missing-button, slow, unavailable (default healthy)
  --list-scenarios        list the scenarios

Exit codes: 0 passed (flaky included) · 1 a journey failed · 2 journeys or config invalid
            3 could not verify (runner fault, engine unreachable) · 4 interrupted (SIGINT/SIGTERM)
`;

const OPTIONS = {
  tag: { type: 'string', multiple: true },
  env: { type: 'string' },
  'expect-version': { type: 'string' },
  after: { type: 'string' },
  'deploy-id': { type: 'string' },
  'deployed-at': { type: 'string' },
  compose: { type: 'string' },
  project: { type: 'string' },
  concurrency: { type: 'string' },
  retries: { type: 'string' },
  reporter: { type: 'string', multiple: true },
  'report-dir': { type: 'string' },
  out: { type: 'string' },
  config: { type: 'string' },
  quiet: { type: 'boolean' },
  trace: { type: 'string' },
  'rerun-failed': { type: 'boolean' },
  shard: { type: 'string' },
  investigate: { type: 'boolean' },
  pushgateway: { type: 'string' },
  listen: { type: 'string' },
  token: { type: 'string' },
  'run-on-start': { type: 'boolean' },
  jitter: { type: 'string' },
  'keep-runs': { type: 'string' },
  scenario: { type: 'string' },
  'list-scenarios': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

export interface ParsedArgs {
  readonly command: string;
  readonly paths: string[];
  readonly tags: string[];
  readonly env?: string;
  readonly expectVersion?: string;
  readonly after?: 'deploy' | 'rollback';
  readonly deployId?: string;
  /** --deployed-at / PATHPROOF_DEPLOYED_AT, normalised to ISO 8601. */
  readonly deployedAt?: string;
  /** posture: the compose file. */
  readonly compose?: string;
  /** posture: the compose project name. */
  readonly project?: string;
  readonly concurrency?: number;
  readonly retries?: number;
  readonly reporters: string[];
  readonly reportDir?: string;
  readonly out?: string;
  readonly config?: string;
  readonly quiet: boolean;
  readonly trace: 'off' | 'on-failure';
  /** --rerun-failed: re-run the failed/error journeys of a previous run (paths[0] may name its directory). */
  readonly rerunFailed: boolean;
  /** --shard i/n, validated: 1 <= index <= total. */
  readonly shard?: { readonly index: number; readonly total: number };
  readonly investigate: boolean;
  readonly pushgateway?: string;
  /** serve: host:port to listen on (default 127.0.0.1:9464). */
  readonly listen?: string;
  /** serve: bearer token for everything but /metrics and /healthz (also PATHPROOF_TOKEN). */
  readonly token?: string;
  readonly runOnStart: boolean;
  /** serve: random delay before each scheduled run, e.g. "5s". */
  readonly jitter?: string;
  /** Keep at most this many run directories under the report root (oldest removed first). */
  readonly keepRuns?: number;
  readonly scenario?: string;
  readonly listScenarios: boolean;
  readonly help: boolean;
  readonly version: boolean;
}

export type ArgsResult = { ok: true; args: ParsedArgs } | { ok: false; message: string };

function positiveInt(name: string, value: string | undefined, min: number): number | undefined | Error {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) return new Error(`--${name} expects a whole number >= ${min}, got "${value}"`);
  return n;
}

export function parseCli(argv: readonly string[], env: Readonly<Record<string, string | undefined>>): ArgsResult {
  let parsed;
  try {
    parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
  } catch (error) {
    return { ok: false, message: (error as Error).message };
  }
  const { values, positionals } = parsed;
  const [command = 'help', ...paths] = positionals;
  const concurrency = positiveInt('concurrency', values.concurrency, 1);
  if (concurrency instanceof Error) return { ok: false, message: concurrency.message };
  const retries = positiveInt('retries', values.retries, 0);
  if (retries instanceof Error) return { ok: false, message: retries.message };
  const keepRuns = positiveInt('keep-runs', values['keep-runs'], 1);
  if (keepRuns instanceof Error) return { ok: false, message: keepRuns.message };
  const after = values.after;
  if (after !== undefined && after !== 'deploy' && after !== 'rollback') {
    return { ok: false, message: `--after expects deploy or rollback, got "${after}"` };
  }
  const deployedAtText = values['deployed-at'] ?? (env.PATHPROOF_DEPLOYED_AT || undefined);
  const deployedAt = deployedAtText === undefined ? undefined : parseDeployedAt(deployedAtText);
  if (deployedAt && !deployedAt.ok) return { ok: false, message: deployedAt.message };
  const trace = values.trace ?? 'off';
  if (trace !== 'off' && trace !== 'on-failure') return { ok: false, message: `--trace expects off or on-failure, got "${trace}"` };
  let shard: { index: number; total: number } | undefined;
  if (values.shard !== undefined) {
    const match = /^(\d+)\/(\d+)$/.exec(values.shard);
    const index = Number(match?.[1]);
    const total = Number(match?.[2]);
    if (!match || total < 1 || index < 1 || index > total) {
      return { ok: false, message: `--shard expects i/n with 1 <= i <= n (e.g. 2/3), got "${values.shard}"` };
    }
    shard = { index, total };
  }
  const reporters = values.reporter ?? ['console'];
  for (const reporter of reporters) {
    if (!['console', 'json'].includes(reporter)) return { ok: false, message: `unknown reporter "${reporter}" (console, json)` };
  }
  return {
    ok: true,
    args: {
      command,
      paths,
      tags: values.tag ?? [],
      env: values.env,
      expectVersion: values['expect-version'] ?? (env.PATHPROOF_EXPECT_VERSION || undefined),
      after,
      deployId: values['deploy-id'] ?? (env.PATHPROOF_DEPLOY_ID || undefined),
      deployedAt: deployedAt?.at,
      compose: values.compose,
      project: values.project,
      concurrency,
      retries,
      reporters,
      reportDir: values['report-dir'],
      out: values.out,
      config: values.config,
      quiet: values.quiet ?? false,
      trace,
      rerunFailed: values['rerun-failed'] ?? false,
      shard,
      investigate: values.investigate ?? false,
      pushgateway: values.pushgateway ?? (env.PATHPROOF_PUSHGATEWAY || undefined),
      listen: values.listen,
      token: values.token ?? (env.PATHPROOF_TOKEN || undefined),
      runOnStart: values['run-on-start'] ?? false,
      jitter: values.jitter,
      keepRuns,
      scenario: values.scenario,
      listScenarios: values['list-scenarios'] ?? false,
      help: values.help ?? false,
      version: values.version ?? false,
    },
  };
}

/**
 * `--deployed-at` / PATHPROOF_DEPLOYED_AT: an ISO 8601 time with a zone (`2026-11-22T09:15:00Z`)
 * or Unix seconds (`date +%s`), normalised to ISO 8601.
 */
export function parseDeployedAt(text: string): { ok: true; at: string } | { ok: false; message: string } {
  const value = text.trim();
  if (/^\d{9,11}(\.\d+)?$/.test(value)) return { ok: true, at: new Date(Number(value) * 1000).toISOString() };
  const iso = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(value);
  const ms = Date.parse(value);
  if (!iso || !Number.isFinite(ms)) {
    return { ok: false, message: `--deployed-at expects an ISO 8601 time with a zone (2026-11-22T09:15:00Z) or Unix seconds, got "${text}"` };
  }
  return { ok: true, at: new Date(ms).toISOString() };
}
