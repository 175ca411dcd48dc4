/** Types of eslint.boundaries.js (plain JS so eslint.config.js can load it without a build), for test/boundaries.test.ts. */
import type { Linter } from 'eslint';

/** Every folder of src/ the rules know. */
export const FOLDERS: readonly string[];
/** Folder → the folders of src/ it may import (anything else of ours is refused). */
export const MAY_IMPORT: Readonly<Record<string, readonly string[]>>;
/** One flat-config entry per folder: `no-restricted-imports` for the folders it must not reach. */
export const boundaries: Linter.Config[];
