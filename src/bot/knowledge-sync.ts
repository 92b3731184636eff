import type { LiveEngine, ReloadOutcome } from '../knowledge/live.js';
import type { Logger } from '../logger.js';
import type { Store } from '../store/store.js';

/** Options of createKnowledgeSync. */
export interface KnowledgeSyncOptions {
  live: LiveEngine;
  /** Where the version is published and read; a store without it (SQLite) makes reloads local only. */
  store: Pick<Store, 'readKnowledgeVersion' | 'publishKnowledgeVersion'>;
  /** Time between two checks of the published version (KB_RELOAD_CHECK_SECONDS). */
  intervalMs: number;
  logger: Logger;
  /** The clock, for the time in the published version (default Date.now). */
  now?: () => number;
}

/** Reloads that several instances follow. */
export interface KnowledgeSync {
  /** Reloads this instance; when the reload is applied, publishes its version for the others. */
  reload(reason: string): Promise<ReloadOutcome>;
  /** Notes the version already published (this instance has just loaded the files) and starts checking. */
  start(): Promise<void>;
  /** Stops checking. */
  stop(): void;
}

/**
 * Keeps several instances on one knowledge base: a reload (SIGHUP, /reload) on one publishes
 * "<content hash> <time>" in the shared store, and every instance reloads when the published value differs
 * from the last one it applied. The time makes a second reload of the same files reach the others too
 * (one of them may have refused the first). Without a shared store it only reloads this instance.
 */
export function createKnowledgeSync(options: KnowledgeSyncOptions): KnowledgeSync {
  const { live, store, intervalMs, logger, now = Date.now } = options;
  const shared = Boolean(store.readKnowledgeVersion && store.publishKnowledgeVersion);
  let applied: string | undefined;
  let timer: NodeJS.Timeout | undefined;
  let checking = false;

  const read = async (): Promise<string | undefined> => {
    try {
      return await store.readKnowledgeVersion?.();
    } catch (err) {
      // The store logs its outages itself; the next check tries again.
      logger.debug({ err }, 'could not read the published knowledge version');
      return undefined;
    }
  };

  const check = async () => {
    if (checking) return;
    checking = true;
    try {
      const published = await read();
      if (published === undefined || published === applied) return;
      // Noted before reloading: a file refused here is not tried again every few seconds.
      applied = published;
      const [version] = published.split(' ');
      if (version === live.current().knowledge.version) return;
      const outcome = await live.reload(`published version ${published}`);
      if (outcome.ok && outcome.version !== version) {
        logger.warn(
          { published, version: outcome.version },
          'the knowledge files here differ from those of the instance that reloaded',
        );
      }
    } finally {
      checking = false;
    }
  };

  return {
    async reload(reason) {
      const outcome = await live.reload(reason);
      if (!outcome.ok || !shared) return outcome;
      const value = `${outcome.version} ${new Date(now()).toISOString()}`;
      try {
        await store.publishKnowledgeVersion?.(value);
        applied = value;
        logger.info({ published: value }, 'knowledge version published for the other instances');
      } catch (err) {
        logger.warn({ err }, 'could not publish the knowledge version; the other instances keep theirs');
      }
      return outcome;
    },
    async start() {
      if (!shared) return;
      applied = await read();
      timer = setInterval(() => void check(), intervalMs);
      timer.unref();
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
    },
  };
}
