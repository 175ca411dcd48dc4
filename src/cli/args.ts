/** Command-line parsing: node's parseArgs, with errors that say what to type instead. */
import { parseArgs } from 'node:util';
import { parseDuration } from '../journey/duration.js';

export const USAGE = `Usage: pathproof <command> [options]

Commands:
  run [files|dirs]        run journeys (default: journeys/)
  validate [files|dirs]   check journeys; every problem as file:line:col  field  message
  serve [files|dirs]      scheduled canaries: status page at /, confirmed alerts, /metrics, the API and webhooks
  report [RUN_DIR]        print a past run's summary and the path of its index.html (default: the latest run)
  posture --compose FILE  intended (compose file) vs running containers, per service
  schema                  print the JSON Schema of the journey language
  demo                    start the bundled sample app and run the bundled journeys against it
  help                    this text

run options:
  --tag <t>[,<t>…]        only journeys with one of these tags (repeatable; any of them matches)
  --env <name>            a named environment from pathproof.yaml (target, expected version, vars)
  -e, --var KEY=VALUE     a variable for \${KEY} in journeys (repeatable; wins over the environment)
  --expect-version <v>    the version that should be serving (also PATHPROOF_EXPECT_VERSION)
  --after deploy|rollback record what triggered this run
  --deploy-id <id>        record the deploy being verified (also PATHPROOF_DEPLOY_ID)
  --deployed-at <time>    when the deploy happened (ISO 8601 or Unix seconds; also PATHPROOF_DEPLOYED_AT):
                          what runtime.container's createdAfter: deploy compares with
  --wait <duration>       poll the runtime checks (container, version, environment, facts) until
                          they hold, up to this long, before any stage runs (also PATHPROOF_WAIT,
                          or wait: in pathproof.yaml; --wait 0 never waits)
  --concurrency <n>       journeys at once (default 4)
  --retries <n>           retries for every journey, 0-5 (overrides the files)
  --reporter <r>[,<r>…]   console (default); json (run.json on stdout, console on stderr); a copy of
                          a report where CI looks: junit=FILE, html=DIR, json=FILE, ctrf=FILE,
                          summary=FILE (paths from the current directory; repeatable)
  --rerun-failed [RUN_DIR] re-run the failed/error journeys of the latest (or named) run
  --shard <i/n>           run shard i of n (journeys split deterministically by name)
  --pass-with-no-journeys exit 0, not 2, when no journey is selected (e.g. a --tag nobody has yet)
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

validate options:
  --json                  print the journeys as JSON (name, file, tags, schedule, needsBrowser)

posture options (also --config, --deployed-at, --reporter json):
  --compose <file>        the compose file that says what should run (default: intended.compose)
  --project <name>        the compose project (default: intended.project, COMPOSE_PROJECT_NAME,
                          the file's name:, else its directory name as compose normalises it)

serve options (also --tag, --env, -e, --concurrency, --report-dir, --config):
  --listen <host:port>    where /metrics, /healthz, the API and webhooks answer (default 127.0.0.1:9464)
  --token <t>             bearer token for everything but /metrics and /healthz; browsers sign in
                          on the status page (also PATHPROOF_TOKEN)
  --allow-host <name>     answer requests for this Host name too (repeatable; .example.com for subdomains;
                          also PATHPROOF_ALLOW_HOSTS=a,b); IP addresses and localhost always work
  --run-on-start          run every scheduled journey once at start
  --jitter <duration>     random delay before each scheduled run, e.g. 5s or 1m30s
  --shard <i/n>|auto/<n>  serve only shard i of n of the journeys (auto: i from the StatefulSet
                          ordinal at the end of the hostname, or PATHPROOF_SHARD)

demo options:
  --scenario <name>       start the demo broken: missing-route, auth-broken, forbidden, server-error,
                          wrong-version, wrong-text, missing-button, slow, unavailable (default healthy)
  --list-scenarios        list the scenarios

Durations are Go style: 500ms, 30s, 1m30s, 1h2m3s.
FORCE_COLOR=1 colours the console when it is not a terminal; NO_COLOR or FORCE_COLOR=0 never.

Exit codes: 0 passed (flaky included) · 1 a journey failed · 2 journeys or config invalid
            3 could not verify (runner fault, engine unreachable) · 4 interrupted (SIGINT/SIGTERM)
`;

const OPTIONS = {
  tag: { type: 'string', multiple: true },
  env: { type: 'string' },
  var: { type: 'string', short: 'e', multiple: true },
  'pass-with-no-journeys': { type: 'boolean' },
  json: { type: 'boolean' },
  'expect-version': { type: 'string' },
  after: { type: 'string' },
  'deploy-id': { type: 'string' },
  'deployed-at': { type: 'string' },
  wait: { type: 'string' },
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
  'allow-host': { type: 'string', multiple: true },
  'run-on-start': { type: 'boolean' },
  jitter: { type: 'string' },
  'keep-runs': { type: 'string' },
  scenario: { type: 'string' },
  'list-scenarios': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean', short: 'v' },
} as const;

/** Report kinds a run can also write to a path of the user's choice (`--reporter junit=out/junit.xml`). */
export const REPORT_COPY_KINDS = ['junit', 'html', 'json', 'ctrf', 'summary'] as const;
export type ReportCopyKind = (typeof REPORT_COPY_KINDS)[number];

/** `--reporter junit=out/junit.xml`: a copy of one report at a path (resolved from the current directory). */
export interface ReportCopy {
  readonly kind: ReportCopyKind;
  /** As typed; `html` names a directory, the others a file. */
  readonly path: string;
}

/** `--shard`: a fixed slice, or `auto/n` (the slice from the StatefulSet ordinal or PATHPROOF_SHARD; serve). */
export type ShardArg = { readonly index: number; readonly total: number } | { readonly auto: true; readonly total: number };

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
  /** --wait / PATHPROOF_WAIT in milliseconds (0: never wait, over `wait:` of pathproof.yaml). */
  readonly waitMs?: number;
  /** posture: the compose file. */
  readonly compose?: string;
  /** posture: the compose project name. */
  readonly project?: string;
  readonly concurrency?: number;
  readonly retries?: number;
  /** Reporters by name: `console`, `json` (run.json on stdout). */
  readonly reporters: string[];
  /** Copies of reports at fixed paths (`--reporter junit=out/junit.xml,html=out/report`). */
  readonly reportCopies: ReportCopy[];
  /** `-e/--var KEY=VALUE`: variables for \${KEY}, over the environment's. */
  readonly vars: Readonly<Record<string, string>>;
  /** Exit 0 instead of 2 when no journey is selected. */
  readonly passWithNoJourneys: boolean;
  /** validate --json: the journeys as JSON on stdout. */
  readonly json: boolean;
  readonly reportDir?: string;
  readonly out?: string;
  readonly config?: string;
  readonly quiet: boolean;
  readonly trace: 'off' | 'on-failure';
  /** --rerun-failed: re-run the failed/error journeys of a previous run (paths[0] may name its directory). */
  readonly rerunFailed: boolean;
  /** --shard i/n, validated: 1 <= index <= total; `auto/n` only where the command allows it (serve). */
  readonly shard?: ShardArg;
  readonly investigate: boolean;
  readonly pushgateway?: string;
  /** serve: host:port to listen on (default 127.0.0.1:9464). */
  readonly listen?: string;
  /** serve: bearer token for everything but /metrics and /healthz (also PATHPROOF_TOKEN). */
  readonly token?: string;
  /** serve: Host names answered besides IP addresses and localhost (DNS rebinding protection). */
  readonly allowHosts: string[];
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

function positiveInt(name: string, value: string | undefined, min: number, max?: number): number | undefined | Error {
  if (value === undefined) return undefined;
  // Number('') is 0 and Number(' 7 ') is 7: only digits are a number here.
  const n = /^\s*\d+\s*$/.test(value) ? Number(value) : Number.NaN;
  const range = max === undefined ? `>= ${min}` : `from ${min} to ${max}`;
  if (!Number.isSafeInteger(n) || n < min || (max !== undefined && n > max)) return new Error(`--${name} expects a whole number ${range}, got "${value}"`);
  return n;
}

/** Same bound as `retries:` in journey files and pathproof.yaml: each retry can cost a whole journey timeout. */
export const MAX_RETRIES = 5;

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
  const retries = positiveInt('retries', values.retries, 0, MAX_RETRIES);
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
  const waitText = values.wait ?? (env.PATHPROOF_WAIT || undefined);
  const waitMs = waitText === undefined ? undefined : parseWait(waitText, values.wait === undefined ? 'PATHPROOF_WAIT' : '--wait');
  if (waitMs instanceof Error) return { ok: false, message: waitMs.message };
  const trace = values.trace ?? 'off';
  if (trace !== 'off' && trace !== 'on-failure') return { ok: false, message: `--trace expects off or on-failure, got "${trace}"` };
  let shard: ShardArg | undefined;
  if (values.shard !== undefined) {
    const auto = /^auto\/(\d+)$/.exec(values.shard);
    const match = /^(\d+)\/(\d+)$/.exec(values.shard);
    const index = Number(match?.[1]);
    const total = Number(match?.[2] ?? auto?.[1]);
    if (auto && total >= 1) shard = { auto: true, total };
    else if (!match || total < 1 || index < 1 || index > total) {
      return { ok: false, message: `--shard expects i/n with 1 <= i <= n (e.g. 2/3), or auto/n for serve, got "${values.shard}"` };
    } else shard = { index, total };
  }
  const reporterList = parseReporters(values.reporter ?? ['console']);
  if (!reporterList.ok) return reporterList;
  const { reporters, reportCopies } = reporterList;
  if (values.env !== undefined && /^[A-Za-z_][A-Za-z0-9_]*=/.test(values.env)) {
    // k6 and Checkly users type --env KEY=VALUE for a variable; here --env picks a named environment.
    const [key] = values.env.split('=', 1);
    return {
      ok: false,
      message:
        `--env names an environment from pathproof.yaml (e.g. --env staging), and "${values.env}" looks like a variable. ` +
        `For a variable, type -e ${values.env} (or --var ${values.env}); journeys read it as \${${key}}`,
    };
  }
  const vars: Record<string, string> = {};
  for (const entry of values.var ?? []) {
    const eq = entry.indexOf('=');
    const key = eq === -1 ? entry : entry.slice(0, eq);
    if (eq === -1 || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(key)) {
      return { ok: false, message: `-e/--var expects KEY=VALUE with KEY made of letters, digits and _ (e.g. -e BASE_URL=https://shop.example), got "${entry}"` };
    }
    vars[key] = entry.slice(eq + 1);
  }
  const tags = (values.tag ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== '');
  return {
    ok: true,
    args: {
      command,
      paths,
      tags,
      env: values.env,
      expectVersion: values['expect-version'] ?? (env.PATHPROOF_EXPECT_VERSION || undefined),
      after,
      deployId: values['deploy-id'] ?? (env.PATHPROOF_DEPLOY_ID || undefined),
      deployedAt: deployedAt?.at,
      waitMs,
      compose: values.compose,
      project: values.project,
      concurrency,
      retries,
      reporters,
      reportCopies,
      vars,
      passWithNoJourneys: values['pass-with-no-journeys'] ?? false,
      json: values.json ?? false,
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
      allowHosts: [...(values['allow-host'] ?? []), ...(env.PATHPROOF_ALLOW_HOSTS ?? '').split(',')].map((h) => h.trim()).filter((h) => h !== ''),
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

type ReporterList = { ok: true; reporters: string[]; reportCopies: ReportCopy[] } | { ok: false; message: string };

/**
 * `--reporter` values, Playwright's convention: a comma-separated list (and the flag may
 * repeat), `name` or `name=path`. `console` and `json` (run.json on stdout) are named;
 * `junit=out/junit.xml`, `html=out/report`, … also write that report at that path. A bare
 * file report (`junit`) is accepted: it is always written in the run directory.
 */
export function parseReporters(values: readonly string[]): ReporterList {
  const reporters: string[] = [];
  const reportCopies: ReportCopy[] = [];
  const known = `console, json, or a report at a path: ${REPORT_COPY_KINDS.map((k) => `${k}=${k === 'html' ? 'DIR' : 'FILE'}`).join(', ')}`;
  for (const item of values.flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '')) {
    const eq = item.indexOf('=');
    const name = eq === -1 ? item : item.slice(0, eq);
    const path = eq === -1 ? undefined : item.slice(eq + 1);
    if (path === undefined) {
      if (name === 'console' || name === 'json') {
        if (!reporters.includes(name)) reporters.push(name);
      } else if (!(REPORT_COPY_KINDS as readonly string[]).includes(name)) {
        return { ok: false, message: `unknown reporter "${item}" (${known})` };
      }
      continue;
    }
    if (!(REPORT_COPY_KINDS as readonly string[]).includes(name)) {
      return { ok: false, message: `unknown reporter "${name}" in "${item}" (${known})` };
    }
    if (path === '') return { ok: false, message: `--reporter ${name}= needs a path, e.g. ${name}=${name === 'html' ? 'out/report' : `out/${name === 'summary' ? 'summary.md' : name === 'junit' ? 'junit.xml' : `${name}.json`}`}` };
    reportCopies.push({ kind: name as ReportCopyKind, path });
  }
  if (reporters.length === 0) reporters.push('console');
  return { ok: true, reporters, reportCopies };
}

/** The longest --wait: a rollout that takes longer wants a pipeline step of its own, not a verification hook. */
export const MAX_WAIT_MS = 60 * 60_000;

/** `--wait 2m` / PATHPROOF_WAIT: a duration up to {@link MAX_WAIT_MS}; `0` never waits. */
export function parseWait(text: string, source: '--wait' | 'PATHPROOF_WAIT'): number | Error {
  const ms = text.trim() === '0' ? 0 : parseDuration(text.trim());
  if (ms === undefined) return new Error(`${source} expects a duration such as 30s, 2m or 1m30s, got "${text}"`);
  if (ms > MAX_WAIT_MS) return new Error(`${source} is at most 1h (a rollout that takes longer wants a pipeline step of its own), got "${text}"`);
  return ms;
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
