/**
 * Reporters are optional hooks behind one multiplexer that isolates failures: a broken
 * reporter is recorded, never allowed to stop the run, and never decides the exit code
 * (the CLI does, from the run summary). Results arrive already redacted (the runner's
 * boundary); reporters never redact.
 */
import type { JourneyResult, RunResult, Trigger } from '../result/types.js';

export interface RunStart {
  readonly runId: string;
  readonly startedAt: string;
  readonly trigger: Trigger;
  /** Absolute path of this run's report directory. */
  readonly runDir: string;
  readonly journeys: readonly { readonly name: string; readonly file: string }[];
  readonly concurrency: number;
}

export interface Reporter {
  readonly name: string;
  onRunStart?(start: RunStart): void | Promise<void>;
  /**
   * A journey finished; `snapshot` is the run so far (status `running`). Runs wait for
   * these hooks: do slow work (files) behind a coalescing writer, not inline.
   */
  onJourneyEnd?(result: JourneyResult, snapshot: RunResult): void | Promise<void>;
  onRunEnd?(run: RunResult): void | Promise<void>;
}

/** A reporter that writes into the run directory once, when the run ends (interrupted runs included). */
export function endOfRunReporter(name: string, write: (run: RunResult, runDir: string) => Promise<void>): Reporter {
  let runDir: string | undefined;
  return {
    name,
    onRunStart(start) {
      runDir = start.runDir;
    },
    async onRunEnd(run) {
      if (runDir) await write(run, runDir);
    },
  };
}

export interface ReporterFailure {
  readonly reporter: string;
  readonly hook: string;
  /** Node's error code when there is one (ENOSPC, EACCES…), else REPORTER_BUG. */
  readonly code: string;
  readonly message: string;
  /** True for reporters whose output is the record of the run (run.json): losing it is a runner fault. */
  readonly essential: boolean;
}

export interface Multiplexer {
  onRunStart(start: RunStart): Promise<void>;
  onJourneyEnd(result: JourneyResult, snapshot: RunResult): Promise<void>;
  onRunEnd(run: RunResult): Promise<void>;
  readonly failures: readonly ReporterFailure[];
}

export function multiplex(reporters: readonly (Reporter & { essential?: boolean })[]): Multiplexer {
  const failures: ReporterFailure[] = [];
  const broken = new Set<string>();
  async function each(hook: 'onRunStart' | 'onJourneyEnd' | 'onRunEnd', call: (r: Reporter) => unknown): Promise<void> {
    for (const reporter of reporters) {
      if (!reporter[hook] || broken.has(reporter.name)) continue;
      try {
        await call(reporter);
      } catch (error) {
        // One report per reporter is enough: a full disk fails every later write too.
        broken.add(reporter.name);
        const code = (error as { code?: unknown } | null)?.code;
        failures.push({
          reporter: reporter.name,
          hook,
          code: typeof code === 'string' && code !== '' ? code : 'REPORTER_BUG',
          message: error instanceof Error ? error.message : String(error),
          essential: reporter.essential ?? false,
        });
      }
    }
  }
  return {
    failures,
    onRunStart: (start) => each('onRunStart', (r) => r.onRunStart?.(start)),
    onJourneyEnd: (result, snapshot) => each('onJourneyEnd', (r) => r.onJourneyEnd?.(result, snapshot)),
    onRunEnd: (run) => each('onRunEnd', (r) => r.onRunEnd?.(run)),
  };
}
