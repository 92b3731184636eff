/**
 * The database cannot be used: unreadable, not a database, or damaged. The message names the file; the file
 * is left exactly as it was found, for the operator to inspect or restore.
 */
export class StoreError extends Error {
  override name = 'StoreError';
}

/**
 * The shared store (Redis) cannot be reached right now: down, restarting, or too slow to answer. Nothing was
 * written; the same call may succeed once it is back, so webhook updates are left for Telegram to retry.
 */
export class StoreUnavailableError extends Error {
  override name = 'StoreUnavailableError';
}
