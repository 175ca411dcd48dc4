/** Types of proc.mjs, for the vitest files (the stacks themselves are plain ESM for run.mjs). */
export function sleep(ms: number): Promise<void>;
/** A temp dir readable by servers that drop privileges (apache2 → www-data, squid → proxy). */
export function tempDir(name: string): string;
/** A sub directory anyone may write (logs of servers that drop privileges). */
export function openDir(parent: string, name: string): string;
export function freePort(host?: string): Promise<number>;
/** A port nothing listens on (an upstream that is down). */
export function closedPort(host?: string): Promise<number>;

export interface Service {
  readonly name: string;
  readonly pid: number | undefined;
  readonly port: number;
  log(): string;
  /** SIGTERM, then SIGKILL after 5 s; resolves once the process is gone. */
  stop(): Promise<void>;
}
export function startService(options: {
  name: string;
  command: string;
  args: readonly string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  port: number;
  host?: string;
  logFiles?: readonly string[];
  timeoutMs?: number;
}): Promise<Service>;
export function waitHttp(url: string, accept?: (status: number, body: string) => boolean, timeoutMs?: number): Promise<void>;
/** Stops services in reverse order of start; never throws. */
export function stopAll(services: readonly { stop(): Promise<void> }[]): Promise<void>;
