/** `pathproof serve`: scheduled canaries, /metrics, the API and webhooks. (In progress.) */
import { EXIT } from '../result/types.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

export async function serveCommand(_args: ParsedArgs, io: CliIo): Promise<number> {
  io.stderr('pathproof: serve is not available in this build yet\n');
  return EXIT.invalid;
}
