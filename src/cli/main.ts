#!/usr/bin/env node
/**
 * The `pathproof` executable. It only turns on Node's compile cache, then loads the CLI: the
 * cache must be on before the modules it should hold are loaded, and ES modules imported
 * statically load before any code of the importing module runs.
 */
import { enableCompileCache } from './compile-cache.js';

enableCompileCache(process.env);
await import('./cli.js');
