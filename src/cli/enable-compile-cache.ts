/**
 * Imported first by main.ts, for its effect: Node's compile cache is on before any command is
 * imported. main.js's own static imports are compiled before any of its code runs, so they stay
 * out of the cache; the commands, loaded on demand, are most of the code.
 */
import { enableCompileCache } from './compile-cache.js';

enableCompileCache(process.env);
