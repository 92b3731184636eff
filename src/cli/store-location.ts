import { statSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_DATA_DIR } from '../config.js';
import { describeUrl } from '../store/redis.js';
import { DEFAULT_DATABASE_FILE } from '../store/sqlite.js';
import type { StoreLocation } from '../store/store.js';

/** What a curator CLI's bin passes in from the environment (the CLI itself never reads process.env). */
export interface StoreEnv {
  /** DATA_DIR, if set. */
  dataDir?: string | undefined;
  /** STORE_URL, if set: the bot's Redis (an explicit --data-dir still reads SQLite). */
  storeUrl?: string | undefined;
}

/** Why `dir` cannot be the data folder (it does not exist, or is a file), or undefined when it can. */
function folderProblem(dir: string): string | undefined {
  try {
    return statSync(dir).isDirectory() ? undefined : 'is not a folder';
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'the folder does not exist' : `cannot be read (${code})`;
  }
}

/**
 * The store a curator CLI reads: SQLite in `--data-dir` when given, else Redis at STORE_URL, else SQLite in
 * DATA_DIR or ./data; or why it cannot be read. A folder named on the command line must be there (a typo
 * would otherwise read as "nothing recorded yet"); DATA_DIR may well be missing before any bot has run.
 */
export function storeLocation(
  explicitDir: string | undefined,
  env: StoreEnv,
): { location: StoreLocation } | { error: string } {
  const dir = explicitDir?.trim();
  const storeUrl = dir ? undefined : env.storeUrl?.trim() || undefined;
  if (storeUrl && !/^rediss?:\/\//.test(storeUrl))
    return { error: 'STORE_URL must be a redis:// or rediss:// URL like "redis://127.0.0.1:6379"' };
  const problem = dir ? folderProblem(dir) : undefined;
  if (problem) return { error: `--data-dir ${dir}: ${problem}` };
  return { location: { dataDir: dir || env.dataDir?.trim() || DEFAULT_DATA_DIR, storeUrl } };
}

/** The store as a message names it: the Redis URL without its password, or the SQLite file. */
export function storeName({ dataDir, storeUrl }: StoreLocation): string {
  return storeUrl ? describeUrl(storeUrl) : join(dataDir, DEFAULT_DATABASE_FILE);
}
