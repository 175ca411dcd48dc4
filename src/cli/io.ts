/** What a command may touch of the process, passed in so commands run in-process in tests. */
export interface CliIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly cwd: string;
  readonly color: boolean;
  /** Registers a handler for SIGINT/SIGTERM; returns an unregister function. */
  readonly onInterrupt: (handler: (signal: string) => void) => () => void;
}

/**
 * Colour on the console, by the conventions CI systems and Node use: `FORCE_COLOR` (any
 * value but `0`/`false`, the empty string included) colours even when stdout is not a
 * terminal — GitHub Actions and GitLab render ANSI colours in their logs — and, as in Node,
 * wins over `NO_COLOR`; `FORCE_COLOR=0` or `false` turns colour off; otherwise colour on
 * a terminal unless `NO_COLOR` is set (https://no-color.org) or `TERM=dumb`.
 */
export function colorEnabled(env: Readonly<Record<string, string | undefined>>, isTTY: boolean): boolean {
  const force = env.FORCE_COLOR;
  if (force !== undefined) return force !== '0' && force.toLowerCase() !== 'false';
  return isTTY && !env.NO_COLOR && env.TERM !== 'dumb';
}

export function processIo(): CliIo {
  const color = colorEnabled(process.env, Boolean(process.stdout.isTTY));
  // A reader that went away (`pathproof schema | head`, a closed terminal) is no reason to
  // crash or to cut a run short: output to it stops, the reports and the exit code do not.
  const gone = { stdout: false, stderr: false };
  const quietOnClose = (stream: NodeJS.WriteStream, name: keyof typeof gone): void => {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE') throw error;
      gone[name] = true;
    });
  };
  quietOnClose(process.stdout, 'stdout');
  quietOnClose(process.stderr, 'stderr');
  return {
    stdout: (text) => void (gone.stdout || process.stdout.write(text)),
    stderr: (text) => void (gone.stderr || process.stderr.write(text)),
    env: process.env,
    cwd: process.cwd(),
    color,
    onInterrupt(handler) {
      const listener = (signal: NodeJS.Signals): void => handler(signal);
      process.on('SIGINT', listener);
      process.on('SIGTERM', listener);
      return () => {
        process.off('SIGINT', listener);
        process.off('SIGTERM', listener);
      };
    },
  };
}
