import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ReportIoTimeout, ensureDir, withDeadline, writeAtomic } from './atomic.js';

const dir = mkdtempSync(join(tmpdir(), 'pathproof-atomic-'));

describe('report I/O is bounded', () => {
  it('ensureDir creates missing parents, one level at a time', async () => {
    await ensureDir(join(dir, 'a', 'b', 'c'));
    expect(statSync(join(dir, 'a', 'b', 'c')).isDirectory()).toBe(true);
    await ensureDir(join(dir, 'a', 'b', 'c')); // exists: fine
  });

  it('ensureDir under /proc fails at once (mkdir recursive would spin forever on a libuv thread)', async () => {
    await expect(ensureDir('/proc/pathproof-test/run', 20_000)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('ensureDir on a FIFO is ENOTDIR, not a hang', async () => {
    const fifo = join(dir, 'fifo-out');
    execFileSync('mkfifo', [fifo]);
    await expect(ensureDir(fifo)).rejects.toMatchObject({ code: 'ENOTDIR' });
  });

  it('withDeadline turns an operation that never answers into REPORT_IO_TIMEOUT naming the path', async () => {
    const never = new Promise<void>(() => undefined);
    const error = await withDeadline(never, '/mnt/hung/run', 50).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReportIoTimeout);
    expect((error as Error).message).toBe('REPORT_IO_TIMEOUT: /mnt/hung/run did not answer within 0.05s (a hung or unreachable file system?)');
  });

  it('writeAtomic replaces a FIFO planted under the real name instead of blocking on it', async () => {
    const planted = join(dir, 'evidence.txt');
    execFileSync('mkfifo', [planted]);
    await writeAtomic(planted, 'data', 20_000);
    expect(statSync(planted).isFile()).toBe(true);
    expect(readFileSync(planted, 'utf8')).toBe('data');
    expect(readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });
});
