/**
 * Telegram update ids the bot has handled but Telegram may deliver again. With long polling an update is
 * confirmed only by asking for the next ones, and only as a prefix (every id below the offset); an update
 * handled out of order, or just before a crash or a shutdown, comes back after a restart. The journal lets
 * the next run recognise it instead of answering twice.
 */
export interface UpdateJournal {
  /** Ids handled within the last `maxAgeMs` milliseconds (Telegram keeps undelivered updates for 24 h). */
  handledUpdates(maxAgeMs?: number): number[];
  /** Remembers that an update has been handled. */
  markUpdateHandled(updateId: number): void;
  /**
   * Forgets the ids below `offset` (Telegram has confirmed them and will not send them again), and any
   * entry older than UPDATE_JOURNAL_MAX_AGE_MS.
   */
  forgetUpdatesBelow(offset: number): void;
}

/** Telegram keeps an undelivered update for at most a day; older journal entries can never match. */
export const UPDATE_JOURNAL_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** A journal in memory only (tests; a restart forgets it). */
export function createMemoryUpdateJournal(now: () => number = Date.now): UpdateJournal {
  const handled = new Map<number, number>();
  return {
    handledUpdates: (maxAgeMs = UPDATE_JOURNAL_MAX_AGE_MS) =>
      [...handled].filter(([, at]) => now() - at <= maxAgeMs).map(([id]) => id),
    markUpdateHandled: (updateId) => {
      handled.set(updateId, now());
    },
    forgetUpdatesBelow: (offset) => {
      for (const [id, at] of handled) {
        if (id < offset || now() - at > UPDATE_JOURNAL_MAX_AGE_MS) handled.delete(id);
      }
    },
  };
}
