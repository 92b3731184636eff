import type { Logger } from '../logger.js';
import { createMemoryFeedbackStore, type FeedbackReader, type FeedbackStore } from './feedback.js';
import { createMemoryOutbox, type OutboxStore } from './outbox.js';
import { lockDataDir } from './poller-lock.js';
import { createMemoryPreferenceStore, type PreferenceStore } from './preferences.js';
import { createRedisStore, openRedisFeedbackReader } from './redis.js';
import { createMemorySignalStore, type SignalStore } from './signals.js';
import { createSqliteStore, openSqliteFeedbackReader } from './sqlite.js';
import {
  createMemoryUpdateClaims,
  createMemoryUpdateJournal,
  type UpdateClaims,
  type UpdateJournal,
} from './updates.js';

/**
 * Everything the bot keeps: preferences, curator feedback and traffic signals, the polling journal, the
 * webhook update claims and the outbox of replies owed. SQLite under DATA_DIR for one instance, Redis
 * (STORE_URL) for several; the contract tests in tests/store/contract.ts hold every implementation to the
 * same behaviour.
 */
export interface Store
  extends PreferenceStore,
    FeedbackStore,
    SignalStore,
    UpdateJournal,
    UpdateClaims,
    OutboxStore {
  /** Resolves when the storage answers; rejects (StoreUnavailableError for Redis) when it does not. */
  ping(): Promise<void>;
  /** Releases the storage (closes the database, or the connection); the store must not be used afterwards. */
  close(): Promise<void>;
  /**
   * The knowledge base version last published by an instance that reloaded ("<hash> <ISO time>"), if any.
   * Only a store shared by several instances (Redis) has it; one instance alone needs no telling.
   */
  readKnowledgeVersion?(): Promise<string | undefined>;
  /** Publishes this instance's knowledge version after a reload, for the others to follow. */
  publishKnowledgeVersion?(value: string): Promise<void>;
}

/** Where the store lives: STORE_URL wins over DATA_DIR. */
export interface StoreLocation {
  /** Folder of the SQLite database. */
  dataDir: string;
  /** redis:// or rediss:// URL of the shared store, if any. */
  storeUrl?: string | undefined;
  /**
   * How the bot gets its updates. A polling bot holds the store exclusively (a lock on DATA_DIR, or a
   * lease in Redis) for as long as it is open: a second poller on the same state is refused at start.
   */
  mode?: { readonly kind: 'polling' | 'webhook' } | undefined;
}

/** A store in memory only (tests): one process, forgotten on exit. */
export function createMemoryStore(): Store {
  const preferences = createMemoryPreferenceStore();
  const feedback = createMemoryFeedbackStore();
  return {
    ...preferences,
    ...feedback,
    ...createMemorySignalStore(),
    ...createMemoryUpdateJournal(),
    ...createMemoryUpdateClaims(),
    ...createMemoryOutbox(),
    ping: async () => {},
    close: async () => {
      await preferences.close();
      await feedback.close();
    },
  };
}

/**
 * Opens the bot's store: Redis when `storeUrl` is set, else SQLite under `dataDir`. In polling mode it
 * first takes the poller lock (StoreLockedError, naming the holder, if another process has it), which
 * close() gives back.
 */
export async function openStore(location: StoreLocation, logger: Logger): Promise<Store> {
  const polling = location.mode?.kind === 'polling';
  if (location.storeUrl) return createRedisStore(location.storeUrl, { logger, pollerLease: polling });
  if (!polling) return createSqliteStore(location.dataDir);
  // Before the database is opened: a second poller must not even upgrade it.
  const lock = lockDataDir(location.dataDir);
  let store: Store;
  try {
    store = createSqliteStore(location.dataDir);
  } catch (error) {
    lock.release();
    throw error;
  }
  return {
    ...store,
    async close() {
      await store.close();
      lock.release();
    },
  };
}

/**
 * Opens the feedback for reading (kb:unanswered) without changing anything: Redis when `storeUrl` is set
 * (rejects if it cannot be reached), else the SQLite database under `dataDir` (undefined when there is none).
 */
export async function openFeedbackReader(location: StoreLocation): Promise<FeedbackReader | undefined> {
  if (location.storeUrl) return openRedisFeedbackReader(location.storeUrl);
  return openSqliteFeedbackReader(location.dataDir);
}
