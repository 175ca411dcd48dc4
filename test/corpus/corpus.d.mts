/** Types of corpus.mjs, for the vitest files (the library itself is plain ESM for run.mjs). */
export interface Expectation {
  readonly outcome: 'passed' | 'failed' | 'error';
  readonly layer?: string;
  readonly stage?: string;
  readonly exit?: number;
}
export interface CorpusCase {
  readonly id: string;
  readonly stack: string;
  readonly classes: readonly number[];
  readonly expect: Expectation;
  readonly needs: readonly string[];
  readonly group: string;
  readonly why: string;
  /** Relative to the corpus directory: journeys/<stack>/<id>.yaml */
  readonly file: string;
}
export interface Verdict {
  readonly outcome: string;
  readonly layer?: string;
  readonly stage?: string;
  readonly hint?: string;
}
export interface CaseRun {
  readonly verdict: Verdict;
  readonly exit: number | null;
}
export interface CaseResult {
  readonly case: CorpusCase;
  readonly runs: readonly CaseRun[];
}
export interface RunningStacks {
  readonly vars: Readonly<Record<string, string>>;
  services(): readonly { name: string; pid: number | undefined }[];
  stop(): Promise<void>;
}
export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export const CORPUS_DIR: string;
export const ROOT: string;
export const CLI: string;
export const STACKS: readonly string[];
export const ISSUE_CLASSES: Readonly<Record<number, string>>;
export function loadCases(): CorpusCase[];
export function startStacks(names?: readonly string[], log?: (line: string) => void): Promise<RunningStacks>;
export function runCli(args: readonly string[], options?: { env?: Record<string, string>; cwd?: string; timeoutMs?: number }): Promise<CliResult>;
export function invalidFiles(files: readonly string[], env: Record<string, string>): Promise<Map<string, string>>;
export function measure(
  cases: readonly CorpusCase[],
  options: { vars: Readonly<Record<string, string>>; repeats?: number; concurrency?: number; parallel?: number; log?: (line: string) => void },
): Promise<CaseResult[]>;
export function verdictText(verdict: Verdict | Expectation): string;
export function matches(c: CorpusCase, run: CaseRun): boolean;
export function summarize(results: readonly CaseResult[]): {
  total: number;
  right: number;
  percent: number;
  misses: number;
  changed: CaseResult[];
  casesRight: number;
  cases: number;
};
export function formatTable(results: readonly CaseResult[]): string;
