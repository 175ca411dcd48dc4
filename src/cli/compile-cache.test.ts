import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileCacheDirectory, enableCompileCache, makeDirectory } from './compile-cache.js';

describe('compile cache', () => {
  it("lives in the user's own cache directory, never a shared temporary one", () => {
    expect(compileCacheDirectory({}, () => '/home/qa')).toBe('/home/qa/.cache/pathproof/compile-cache');
    expect(compileCacheDirectory({ XDG_CACHE_HOME: '/var/cache/qa' }, () => '/home/qa')).toBe('/var/cache/qa/pathproof/compile-cache');
    // The XDG spec: a relative path is invalid and ignored.
    expect(compileCacheDirectory({ XDG_CACHE_HOME: 'cache' }, () => '/home/qa')).toBe('/home/qa/.cache/pathproof/compile-cache');
    expect(compileCacheDirectory({ NODE_COMPILE_CACHE: '/srv/ncc', XDG_CACHE_HOME: '/var/cache/qa' }, () => '/home/qa')).toBe('/srv/ncc');
  });

  it('is skipped without a home (a user with none) rather than put somewhere shared', () => {
    expect(compileCacheDirectory({}, () => '')).toBeUndefined();
    expect(
      compileCacheDirectory({}, () => {
        throw new Error('ENOENT: no passwd entry');
      }),
    ).toBeUndefined();
  });

  it("turns Node's cache on, honours NODE_DISABLE_COMPILE_CACHE, and never fails a run over it", () => {
    const home = mkdtempSync(join(tmpdir(), 'pathproof-home-'));
    const calls: (string | undefined)[] = [];
    enableCompileCache({}, (dir) => calls.push(dir), () => home);
    const made = join(home, '.cache', 'pathproof', 'compile-cache');
    expect(calls).toEqual([made]);
    // Made by us, private, as XDG asks of a cache directory that did not exist.
    expect(statSync(made).mode & 0o777).toBe(0o700);
    expect(statSync(join(home, '.cache')).mode & 0o777).toBe(0o700);
    enableCompileCache({ NODE_DISABLE_COMPILE_CACHE: '1' }, (dir) => calls.push(dir), () => home);
    expect(calls).toEqual([made]);
    expect(() =>
      enableCompileCache({}, () => {
        throw new Error('EACCES');
      }),
    ).not.toThrow();
    // Node 20 has no compile cache: nothing to call, nothing happens.
    expect(() => enableCompileCache({}, undefined)).not.toThrow();
  });

  it("is not turned on where its directory cannot be made, and never hangs there (Node's own mkdir spins under /proc)", () => {
    const calls: (string | undefined)[] = [];
    enableCompileCache({ XDG_CACHE_HOME: '/proc/pathproof-no-such-dir' }, (dir) => calls.push(dir), () => '/home/qa');
    expect(calls).toEqual([]);
    expect(makeDirectory('/proc/pathproof-no-such-dir/a/b')).toBe(false);
    const file = join(mkdtempSync(join(tmpdir(), 'pathproof-home-')), 'not-a-dir');
    writeFileSync(file, '');
    expect(makeDirectory(join(file, 'cache'))).toBe(false);
    expect(makeDirectory(file)).toBe(false);
  });
});
