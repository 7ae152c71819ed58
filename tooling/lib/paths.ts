import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root. */
export const ROOT = dirname(dirname(dirname(fileURLToPath(import.meta.url))));
/** Git-ignored cache for built tools (the collector). */
export const CACHE_DIR = join(ROOT, '.cache');
/** Git-ignored output of runs (collector files, logs). */
export const DATA_DIR = join(ROOT, '.data');
