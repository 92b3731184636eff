/**
 * Telegram update ids the bot has handled but Telegram may deliver again. With long polling an update is
 * confirmed only by asking for the next ones, and only as a prefix (every id below the offset); an update
 * handled out of order, or just before a crash or a shutdown, comes back after a restart. The journal lets
 * the next run recognise it instead of answering twice.
 */
export interface UpdateJournal {
  /** Ids handled within the last `maxAgeMs` milliseconds (Telegram keeps undelivered updates for 24 h). */
  handledUpdates(maxAgeMs?: number): Promise<number[]>;
  /** Remembers that an update has been handled. */
  markUpdateHandled(updateId: number): Promise<void>;
  /**
   * Forgets the ids below `offset` (Telegram has confirmed them and will not send them again), and any
   * entry older than UPDATE_JOURNAL_MAX_AGE_MS.
   */
  forgetUpdatesBelow(offset: number): Promise<void>;
}

/** Telegram keeps an undelivered update for at most a day; older journal entries can never match. */
export const UPDATE_JOURNAL_MAX_AGE_MS = 24 * 60 * 60 * 1000;

/** What claiming a webhook update found. */
export type ClaimState =
  /** Nobody had it: this instance handles it now. */
  | 'claimed'
  /** Already answered (by any instance): Telegram delivered it again; answer 200 and do nothing. */
  | 'done'
  /** Another instance (or request) is handling it right now: answer 503 so Telegram retries later. */
  | 'busy';

/**
 * Exactly one answer per webhook update across instances. Telegram redelivers an update when a webhook call
 * fails or times out, possibly to another instance; the first to claim it handles it. A claim is
 * "processing" for UPDATE_CLAIM_TTL_MS only, so an instance that dies mid-update does not keep the update
 * from being handled when Telegram delivers it again; a finished update stays "done" for
 * UPDATE_DONE_TTL_MS, as long as Telegram may still redeliver it.
 */
export interface UpdateClaims {
  /** Atomically claims the update if nobody has; otherwise tells whether it is done or being handled. */
  claimUpdate(updateId: number): Promise<ClaimState>;
  /** Marks a claimed update done (answered, or deliberately ignored). */
  completeUpdate(updateId: number): Promise<void>;
  /** Gives a claim back (the update was not handled), unless it expired and someone else holds it now. */
  releaseUpdate(updateId: number): Promise<void>;
}

/**
 * How long a claim holds while its update is handled: more than the handler's own limit
 * (HANDLER_TIMEOUT_MS, 30 s), short enough that a crashed instance's updates are soon handled elsewhere.
 */
export const UPDATE_CLAIM_TTL_MS = 60_000;
/** How long a handled update is remembered as done: Telegram gives up redelivering within a day. */
export const UPDATE_DONE_TTL_MS = UPDATE_JOURNAL_MAX_AGE_MS;

/** A journal in memory only (tests; a restart forgets it). */
export function createMemoryUpdateJournal(now: () => number = Date.now): UpdateJournal {
  const handled = new Map<number, number>();
  return {
    handledUpdates: async (maxAgeMs = UPDATE_JOURNAL_MAX_AGE_MS) =>
      [...handled].filter(([, at]) => now() - at <= maxAgeMs).map(([id]) => id),
    markUpdateHandled: async (updateId) => {
      handled.set(updateId, now());
    },
    forgetUpdatesBelow: async (offset) => {
      for (const [id, at] of handled) {
        if (id < offset || now() - at > UPDATE_JOURNAL_MAX_AGE_MS) handled.delete(id);
      }
    },
  };
}

/** Update claims in memory only: one process, tests. */
export function createMemoryUpdateClaims(now: () => number = Date.now): UpdateClaims {
  const claims = new Map<number, { state: 'processing' | 'done'; until: number }>();
  return {
    claimUpdate: async (updateId) => {
      const claim = claims.get(updateId);
      if (claim && claim.until > now()) return claim.state === 'done' ? 'done' : 'busy';
      if (claims.size > 10_000) for (const [id, c] of claims) if (c.until <= now()) claims.delete(id);
      claims.set(updateId, { state: 'processing', until: now() + UPDATE_CLAIM_TTL_MS });
      return 'claimed';
    },
    completeUpdate: async (updateId) => {
      claims.set(updateId, { state: 'done', until: now() + UPDATE_DONE_TTL_MS });
    },
    releaseUpdate: async (updateId) => {
      if (claims.get(updateId)?.state === 'processing') claims.delete(updateId);
    },
  };
}
