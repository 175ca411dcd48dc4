/**
 * Report I/O: every file a run writes goes through here.
 *
 * - Atomic: written to a temporary file and renamed, so a reader (or a killed run, or a full
 *   disk) never leaves half a file under the real name, and a failed write leaves no
 *   temporary file behind. The temporary file is created exclusively (`wx`): a FIFO or a
 *   link planted under that name is never opened, and the rename replaces whatever the
 *   real name was.
 * - Bounded in time: a report directory that never answers (a hung network mount, a path
 *   under /proc) must not hold the run past its verdict or past SIGTERM. Each operation is
 *   raced against a deadline and fails with `REPORT_IO_TIMEOUT: <path> …`, which the CLI
 *   reports as one line naming the directory (exit 3 when the verdict could not be recorded).
 * - Directories are created one level at a time (`ensureDir`): Node's `mkdir(…, { recursive:
 *   true })` never returns for a path under /proc (it retries ENOENT forever on a libuv
 *   thread, at full CPU), and nothing can cancel that.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, stat, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';

/** How long one report file operation may take. Generous: a slow disk is not a hung one. */
export const REPORT_IO_TIMEOUT_MS = 10_000;

/** A report operation that did not finish in time; `code` and message start with REPORT_IO_TIMEOUT. */
export class ReportIoTimeout extends Error {
  override readonly name = 'ReportIoTimeout';
  readonly code = 'REPORT_IO_TIMEOUT';
  constructor(
    readonly path: string,
    readonly timeoutMs: number,
  ) {
    super(`REPORT_IO_TIMEOUT: ${path} did not answer within ${timeoutMs / 1000}s (a hung or unreachable file system?)`);
  }
}

/** Rejects with ReportIoTimeout when `work` has not settled after `timeoutMs`. */
export async function withDeadline<T>(work: Promise<T>, path: string, timeoutMs = REPORT_IO_TIMEOUT_MS): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new ReportIoTimeout(path, timeoutMs)), timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // The abandoned operation may still fail later: that must not become an unhandled rejection.
    work.catch(() => undefined);
  }
}

/** Creates `dir` and missing parents, one level at a time; bounded by the path's depth and a deadline. */
export function ensureDir(dir: string, timeoutMs = REPORT_IO_TIMEOUT_MS): Promise<void> {
  return withDeadline(createDir(dir, 0), dir, timeoutMs);
}

async function createDir(dir: string, depth: number): Promise<void> {
  try {
    await mkdir(dir);
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if ((await stat(dir)).isDirectory()) return;
      throw Object.assign(new Error(`ENOTDIR: not a directory, mkdir '${dir}'`), { code: 'ENOTDIR' });
    }
    const parent = dirname(dir);
    if (code !== 'ENOENT' || parent === dir || depth > 256) throw error;
  }
  await createDir(dirname(dir), depth + 1);
  // Once more, and only once: a parent that exists but still says ENOENT (/proc) is an error.
  try {
    await mkdir(dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST' && (await stat(dir)).isDirectory()) return;
    throw error;
  }
}

export function writeTextAtomic(file: string, text: string, timeoutMs = REPORT_IO_TIMEOUT_MS): Promise<void> {
  return writeAtomic(file, text, timeoutMs);
}

export function writeAtomic(file: string, data: string | Uint8Array, timeoutMs = REPORT_IO_TIMEOUT_MS): Promise<void> {
  return withDeadline(replaceFile(file, data), file, timeoutMs);
}

async function replaceFile(file: string, data: string | Uint8Array): Promise<void> {
  const temporary = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temporary, data, { flag: 'wx' });
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  }
}
