import { describe, expect, it } from 'vitest';
import { compileCacheDirectory, enableCompileCache } from './compile-cache.js';

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
    const calls: (string | undefined)[] = [];
    enableCompileCache({ NODE_COMPILE_CACHE: '/srv/ncc' }, (dir) => calls.push(dir));
    expect(calls).toEqual(['/srv/ncc']);
    enableCompileCache({ NODE_COMPILE_CACHE: '/srv/ncc', NODE_DISABLE_COMPILE_CACHE: '1' }, (dir) => calls.push(dir));
    expect(calls).toEqual(['/srv/ncc']);
    expect(() =>
      enableCompileCache({ NODE_COMPILE_CACHE: '/srv/ncc' }, () => {
        throw new Error('EACCES');
      }),
    ).not.toThrow();
    // Node 20 has no compile cache: nothing to call, nothing happens.
    expect(() => enableCompileCache({}, undefined)).not.toThrow();
  });
});
