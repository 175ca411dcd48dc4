/**
 * Node's on-disk compile cache (Node 22.1 and later; Node 20 has none, and nothing changes there).
 * V8 keeps the code it compiled for our modules, keyed by their contents, and a later start reads
 * it instead of compiling again: about a tenth of the instructions of a one-journey run
 * (issue #16). A stale entry cannot be used: Node checks each against its module's source.
 *
 * Where: NODE_COMPILE_CACHE if set (Node's own variable); else a directory of this user's own
 * cache (XDG_CACHE_HOME or ~/.cache), never a world-writable temporary directory, where another
 * user could plant one. NODE_DISABLE_COMPILE_CACHE=1 turns it off (Node's own switch). A cache
 * that cannot be written (a read-only home) is skipped, silently: it only costs speed.
 *
 * Hazard, seen: Node creates the directory with a recursive mkdir, which spins forever where
 * mkdir answers ENOENT under a parent that exists (XDG_CACHE_HOME=/proc/x hung `--version`). The
 * directory is made here first, one level at a time, private (0700, as XDG asks); Node is only
 * given one that exists.
 */
import { mkdirSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import module from 'node:module';
import { dirname, join } from 'node:path';

type Enable = (directory?: string) => unknown;

export function compileCacheDirectory(env: NodeJS.ProcessEnv, home: () => string = homedir): string | undefined {
  if (env.NODE_COMPILE_CACHE) return env.NODE_COMPILE_CACHE;
  if (env.XDG_CACHE_HOME?.startsWith('/')) return join(env.XDG_CACHE_HOME, 'pathproof', 'compile-cache');
  try {
    const dir = home();
    return dir ? join(dir, '.cache', 'pathproof', 'compile-cache') : undefined;
  } catch {
    return undefined;
  }
}

const errno = (error: unknown): unknown => (error as NodeJS.ErrnoException).code;

/** Makes `dir` and its missing parents, one level at a time; whether it is a directory now. */
export function makeDirectory(dir: string): boolean {
  const missing: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    if (missing.length > 32) return false;
    try {
      if (!statSync(at).isDirectory()) return false;
      break;
    } catch (error) {
      if (errno(error) !== 'ENOENT' || dirname(at) === at) return false;
      missing.push(at);
    }
  }
  for (const level of missing.reverse()) {
    try {
      mkdirSync(level, { mode: 0o700 });
    } catch (error) {
      if (errno(error) !== 'EEXIST') return false;
    }
  }
  try {
    return statSync(dir).isDirectory();
  } catch {
    return false;
  }
}

/** Node's `module.enableCompileCache`, where this Node has one. */
const nodeEnable = (module as unknown as { enableCompileCache?: Enable }).enableCompileCache;

export function enableCompileCache(env: NodeJS.ProcessEnv, enable: Enable | undefined = nodeEnable, home: () => string = homedir): void {
  if (typeof enable !== 'function' || env.NODE_DISABLE_COMPILE_CACHE) return;
  const directory = compileCacheDirectory(env, home);
  if (directory === undefined || !makeDirectory(directory)) return;
  try {
    enable(directory);
  } catch {
    // Only speed is lost.
  }
}
