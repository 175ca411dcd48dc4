#!/usr/bin/env node
/**
 * The `pathproof` command: parse, dispatch, exit with the code a hook can act on. Each command
 * is imported when it is chosen, so `--help` loads no schema and `validate` no runner.
 */
// First: Node's compile cache, on before the commands (the bulk of the code) are imported.
import './enable-compile-cache.js';
import { EXIT } from '../result/types.js';
import { USAGE, parseCli } from './args.js';
import type { CliIo } from './io.js';
import { setFlagsFromString } from 'node:v8';
import { processIo } from './io.js';
import { packageVersion } from '../util/package-root.js';

export async function main(argv: readonly string[], io: CliIo): Promise<number> {
  const parsed = parseCli(argv, io.env);
  if (!parsed.ok) {
    io.stderr(`pathproof: ${parsed.message}\n\n${USAGE}`);
    return EXIT.invalid;
  }
  const { args } = parsed;
  if (args.command !== 'serve') skipWasmTierUp();
  if (args.version) {
    io.stdout(`pathproof ${packageVersion() ?? 'unknown'}\n`);
    return EXIT.passed;
  }
  if (args.help || args.command === 'help') {
    io.stdout(USAGE);
    return EXIT.passed;
  }
  switch (args.command) {
    case 'run': {
      const { runCommand } = await import('./run-command.js');
      return runCommand({ args, io });
    }
    case 'validate': {
      const { validateCommand } = await import('./validate-command.js');
      return validateCommand(args, io);
    }
    case 'posture': {
      const { postureCommand } = await import('./posture-command.js');
      return postureCommand(args, io);
    }
    case 'schema': {
      const { journeyJsonSchema } = await import('../journey/schema.js');
      io.stdout(`${JSON.stringify(journeyJsonSchema(), null, 2)}\n`);
      return EXIT.passed;
    }
    case 'serve': {
      const { serveCommand } = await import('./serve-command.js');
      return serveCommand(args, io);
    }
    case 'report': {
      const { reportCommand } = await import('./report-command.js');
      return reportCommand(args, io);
    }
    case 'demo': {
      const { demoCommand } = await import('./demo-command.js');
      return demoCommand(args, io);
    }
    default:
      io.stderr(`pathproof: unknown command "${args.command}"\n\n${USAGE}`);
      return EXIT.invalid;
  }
}

const io = processIo();
main(process.argv.slice(2), io).then(
  (code) => exit(code),
  (error: unknown) => {
    // Anything that escapes is our bug: never let it read as the target failing.
    const detail = error instanceof Error ? (io.env.PATHPROOF_DEBUG ? (error.stack ?? error.message) : error.message) : String(error);
    io.stderr(`pathproof: internal error: ${detail}\n(this is a pathproof bug, not a verdict on the target; PATHPROOF_DEBUG=1 shows the stack)\n`);
    exit(EXIT.error);
  },
);

/**
 * A one-shot command never keeps undici's HTTP parser (WebAssembly) long enough to gain from
 * V8 recompiling it with its optimizing tier, yet at exit Node waits for that background
 * compilation: about 0.1 s on every run that made a request (issue #16). A budget no short
 * run reaches leaves the parser on its baseline tier; `serve`, which runs for days, keeps
 * V8's default. Only how the parser is compiled changes, never what it does.
 */
function skipWasmTierUp(): void {
  try {
    setFlagsFromString('--wasm-tiering-budget=2000000000');
  } catch {
    // A Node that refuses the flag just keeps its default.
  }
}

/** Exit with `code` once output is flushed; a stray handle must never keep a hook waiting. */
function exit(code: number): void {
  process.exitCode = code;
  setTimeout(() => process.exit(code), 2_000).unref();
}
