/**
 * One polling bot per state: two pollers on one DATA_DIR (or one Redis) take each other's updates and
 * answer some twice, and Telegram's 409 ends up stopping both. The lock is taken before the bot polls.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { StoreError } from './errors.js';

/** The lock file inside DATA_DIR: an SQLite file held in exclusive locking mode while the bot polls. */
export const POLLER_LOCK_FILE = 'poller.lock';
/** Who holds the lock, as JSON, next to it (the lock file itself cannot be read while it is held). */
export const POLLER_HOLDER_FILE = 'poller.lock.holder';

/** Who holds the poller lock (or lease). */
export interface LockHolder {
  pid: number;
  host: string;
  /** When it took the lock, as an ISO date. */
  since: string;
}

/** Another process polls with this state: the message names it; nothing was changed. */
export class StoreLockedError extends StoreError {
  override name = 'StoreLockedError';
}

/** This process as a lock holder. */
export function currentHolder(now: Date = new Date()): LockHolder {
  return { pid: process.pid, host: hostname(), since: now.toISOString() };
}

/** "pid 123 on host a, since 2026-01-01T00:00:00.000Z", or a plain phrase when it cannot be told. */
export function describeHolder(holder: Partial<LockHolder> | undefined): string {
  if (holder?.pid === undefined) return 'a process that did not say who it is';
  return `pid ${holder.pid} on host ${holder.host ?? '?'}, since ${holder.since ?? '?'}`;
}

/** Reads a holder written as JSON; undefined for anything else. */
export function parseHolder(text: string | null | undefined): LockHolder | undefined {
  if (!text) return undefined;
  try {
    const value = JSON.parse(text) as Partial<LockHolder>;
    return typeof value.pid === 'number' ? (value as LockHolder) : undefined;
  } catch {
    return undefined;
  }
}

/** A lock held until released; release() is idempotent. */
export interface PollerLock {
  release(): void;
}

/**
 * Takes the poller lock on `dataDir`, or throws StoreLockedError naming the holder. The lock is an
 * exclusive SQLite lock (an OS file lock underneath), so the OS drops it when the holder dies, even by
 * kill -9: there is no stale lock to clean up.
 */
export function lockDataDir(dataDir: string, holder: LockHolder = currentHolder()): PollerLock {
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, POLLER_LOCK_FILE);
  // timeout 0: a held lock is reported at once instead of after better-sqlite3's 5 s busy wait.
  const db = new Database(path, { timeout: 0 });
  try {
    // Exclusive locking mode: the lock taken by the first write is kept until the connection closes.
    db.pragma('locking_mode = EXCLUSIVE');
    db.exec('BEGIN EXCLUSIVE');
    db.exec('CREATE TABLE IF NOT EXISTS poller (id INTEGER PRIMARY KEY, holder TEXT NOT NULL)');
    db.prepare('INSERT OR REPLACE INTO poller (id, holder) VALUES (1, ?)').run(JSON.stringify(holder));
    db.exec('COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code !== 'SQLITE_BUSY') throw error;
    const other = parseHolder(readText(join(dataDir, POLLER_HOLDER_FILE)));
    throw new StoreLockedError(
      `DATA_DIR ${dataDir} is in use by another polling bot (${describeHolder(other)}): ` +
        'stop it first, or give this one another DATA_DIR.',
    );
  }
  // Written after the lock is held, and atomically, so a reader never sees half of it.
  const holderPath = join(dataDir, POLLER_HOLDER_FILE);
  writeFileSync(`${holderPath}.tmp`, `${JSON.stringify(holder)}\n`);
  renameSync(`${holderPath}.tmp`, holderPath);
  return {
    release() {
      if (db.open) db.close();
    },
  };
}

function readText(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}
