/** `pathproof report [RUN_DIR]`: the summary of a past run and the path of its HTML. (In progress.) */
import { EXIT } from '../result/types.js';
import type { ParsedArgs } from './args.js';
import type { CliIo } from './io.js';

export async function reportCommand(_args: ParsedArgs, io: CliIo): Promise<number> {
  io.stderr('pathproof: report is not available in this build yet\n');
  return EXIT.invalid;
}
