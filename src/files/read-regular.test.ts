import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeReadProblem, readRegularFile } from './read-regular.js';

const dir = mkdtempSync(join(tmpdir(), 'pathproof-read-'));
const fifo = join(dir, 'journey.yaml');
// A real FIFO with no writer: open(O_RDONLY) without O_NONBLOCK would wait forever.
execFileSync('mkfifo', [fifo]);
writeFileSync(join(dir, 'ok.yaml'), 'name: ok\n');
writeFileSync(join(dir, 'big.yaml'), 'x'.repeat(2048));
mkdirSync(join(dir, 'a-dir.yaml'));
symlinkSync(join(dir, 'ok.yaml'), join(dir, 'link.yaml'));

describe('readRegularFile', () => {
  it('reads a regular file', async () => {
    const read = await readRegularFile(join(dir, 'ok.yaml'), { maxBytes: 100 });
    expect(read.ok && read.bytes.toString()).toBe('name: ok\n');
  });

  it.each<[string, string, string]>([
    ['a FIFO with no writer', fifo, 'not a regular file (a FIFO (named pipe)): only regular files are read'],
    ['/dev/zero (endless)', '/dev/zero', 'not a regular file (a character device): only regular files are read'],
    ['a directory', join(dir, 'a-dir.yaml'), 'not a regular file (a directory): only regular files are read'],
    ['a file over the cap', join(dir, 'big.yaml'), 'the file is too large (more than 1024 bytes)'],
    ['a missing file', join(dir, 'nope.yaml'), 'cannot read it (ENOENT)'],
  ])('refuses %s, at once', async (_name, path, message) => {
    const read = await readRegularFile(path, { maxBytes: 1024, timeoutMs: 20_000 });
    expect(read.ok).toBe(false);
    if (!read.ok) expect(describeReadProblem(read)).toBe(message);
  });

  it('applies the cap while reading: /proc files say size 0 and still hold more', async () => {
    // /proc/self/maps reports st_size 0 but holds kilobytes.
    const read = await readRegularFile('/proc/self/maps', { maxBytes: 16 });
    expect(read).toMatchObject({ ok: false, code: 'TOO_LARGE', limit: 16 });
  });

  it('refuses a symbolic link when asked not to follow one', async () => {
    expect(await readRegularFile(join(dir, 'link.yaml'), { maxBytes: 100, noFollow: true })).toMatchObject({ ok: false, code: 'SYMLINK' });
    expect(await readRegularFile(join(dir, 'link.yaml'), { maxBytes: 100 })).toMatchObject({ ok: true });
  });
});
