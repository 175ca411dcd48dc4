/**
 * Reading a file a user or a previous run named, when its name may point anywhere: only
 * regular files are read, the size cap holds while reading (not after), and the whole read
 * is raced against a deadline.
 *
 * Hazards, each one seen:
 * - a FIFO named as a journey: `open(O_RDONLY)` blocks until a writer appears (forever), on
 *   a libuv thread — opened here with O_NONBLOCK, then refused after `fstat`;
 * - `/dev/zero` or `/dev/urandom`: endless data — refused as a character device, and the cap
 *   stops a file that grows while it is read;
 * - a directory: refused with its kind, not EISDIR;
 * - `/proc` files report size 0 and a hung network mount never answers: the cap counts the
 *   bytes actually read, and the deadline bounds the wait.
 */
import { close, constants, fstat, open, read } from 'node:fs';
import type { Stats } from 'node:fs';

export type ReadProblem =
  | { readonly code: 'NOT_REGULAR'; readonly kind: string }
  | { readonly code: 'TOO_LARGE'; readonly limit: number }
  | { readonly code: 'TIMEOUT'; readonly timeoutMs: number }
  | { readonly code: 'SYMLINK' }
  | { readonly code: 'ERRNO'; readonly errno: string };

export type ReadResult = { readonly ok: true; readonly bytes: Buffer } | ({ readonly ok: false } & ReadProblem);

export interface ReadOptions {
  /** More bytes than this is an error (counted while reading). */
  readonly maxBytes: number;
  /** Refuse a symbolic link as the last component (O_NOFOLLOW). */
  readonly noFollow?: boolean;
  /** The whole read, open to close. Default 10 s. */
  readonly timeoutMs?: number;
}

export const DEFAULT_READ_TIMEOUT_MS = 10_000;

/** What a non-regular file is, in words. */
export function fileKind(stats: Pick<Stats, 'isDirectory' | 'isFIFO' | 'isCharacterDevice' | 'isBlockDevice' | 'isSocket' | 'isSymbolicLink'>): string {
  if (stats.isDirectory()) return 'a directory';
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

/** One line for a problem: `not a regular file (a FIFO (named pipe))`. */
export function describeReadProblem(problem: ReadProblem): string {
  switch (problem.code) {
    case 'NOT_REGULAR':
      return `not a regular file (${problem.kind}): only regular files are read`;
    case 'TOO_LARGE':
      return `the file is too large (more than ${formatBytes(problem.limit)})`;
    case 'TIMEOUT':
      return `reading it did not finish within ${problem.timeoutMs / 1000}s (a hung or very slow file system?)`;
    case 'SYMLINK':
      return 'it is a symbolic link, which is not followed here';
    case 'ERRNO':
      return `cannot read it (${problem.errno})`;
  }
}

function formatBytes(bytes: number): string {
  return bytes % (1024 * 1024) === 0 ? `${bytes / 1024 / 1024} MiB` : `${bytes} bytes`;
}

const CHUNK = 64 * 1024;
/** The first read's buffer when the size is unknown (/proc says 0): small, from Node's pool. */
const FIRST_READ = 4 * 1024;

/**
 * The callback forms of open/fstat/read/close, promised: a FileHandle per file (fs/promises)
 * cost several times more, cold, and `validate` or a run reads hundreds of small files once.
 */
const openFd = (path: string, flags: number): Promise<number> => new Promise((resolve, reject) => open(path, flags, (error, fd) => (error ? reject(error) : resolve(fd))));
const statFd = (fd: number): Promise<Stats> => new Promise((resolve, reject) => fstat(fd, (error, stats) => (error ? reject(error) : resolve(stats))));
const readFd = (fd: number, buffer: Buffer, offset: number): Promise<number> =>
  new Promise((resolve, reject) => read(fd, buffer, offset, buffer.length - offset, null, (error, bytesRead) => (error ? reject(error) : resolve(bytesRead))));
const closeFd = (fd: number): Promise<void> => new Promise((resolve) => close(fd, () => resolve()));

export async function readRegularFile(path: string, options: ReadOptions): Promise<ReadResult> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_READ_TIMEOUT_MS;
  let fd: number | undefined;
  let timedOut = false;
  const work = (async (): Promise<ReadResult> => {
    const flags = constants.O_RDONLY | constants.O_NONBLOCK | (options.noFollow ? constants.O_NOFOLLOW : 0);
    try {
      fd = await openFd(path, flags);
    } catch (error) {
      const errno = (error as NodeJS.ErrnoException).code ?? String(error);
      return errno === 'ELOOP' && options.noFollow ? { ok: false, code: 'SYMLINK' } : { ok: false, code: 'ERRNO', errno };
    }
    // A deadline that fired while open() was pending: nobody waits for this read any more.
    if (timedOut) return { ok: false, code: 'TIMEOUT', timeoutMs };
    const stats = await statFd(fd);
    if (!stats.isFile()) return { ok: false, code: 'NOT_REGULAR', kind: fileKind(stats) };
    if (stats.size > options.maxBytes) return { ok: false, code: 'TOO_LARGE', limit: options.maxBytes };
    // Sized by what fstat says (one byte more, to see the end in the same read), capped; a
    // file that says 0 (/proc) or grows is read on in chunks until the end or the cap.
    const chunks: Buffer[] = [];
    let total = 0;
    let size = Math.max(stats.size + 1, FIRST_READ);
    for (;;) {
      if (timedOut) return { ok: false, code: 'TIMEOUT', timeoutMs };
      const buffer = Buffer.allocUnsafe(Math.min(size, CHUNK, options.maxBytes + 1 - total));
      const bytesRead = await readFd(fd, buffer, 0);
      if (bytesRead === 0) break;
      total += bytesRead;
      if (total > options.maxBytes) return { ok: false, code: 'TOO_LARGE', limit: options.maxBytes };
      chunks.push(buffer.subarray(0, bytesRead));
      // All fstat announced, in one read: the end, without another trip to the thread pool
      // (a file that says 0, /proc, or grows past what it said is read on to the end or the cap).
      if (stats.size > 0 && total === stats.size && bytesRead < buffer.length) break;
      size = CHUNK;
    }
    return { ok: true, bytes: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, total) };
  })().catch((error: unknown): ReadResult => ({ ok: false, code: 'ERRNO', errno: (error as NodeJS.ErrnoException).code ?? String(error) }));

  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<ReadResult>((resolve) => {
    timer = setTimeout(() => {
      timedOut = true;
      resolve({ ok: false, code: 'TIMEOUT', timeoutMs });
    }, timeoutMs);
    timer.unref();
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
    // Closed whenever the open finishes, even after the deadline answered for it.
    void work.finally(() => (fd === undefined ? undefined : closeFd(fd)));
  }
}
