import type { EngineResult } from '../engine/types.js';
import type { Logger } from '../logger.js';
import type { Vote } from '../store/feedback.js';
import {
  type Candidate,
  DAY_MS,
  DEFAULT_SIGNAL_RETENTION_DAYS,
  hashUser,
  type Signal,
  type SignalOutcome,
  type SignalStore,
} from '../store/signals.js';

/** Old signals are pruned at most this often, by the instance that records one. */
export const PRUNE_EVERY_MS = 60 * 60 * 1000;

/** Options of createSignalRecorder. */
export interface SignalRecorderOptions {
  store: SignalStore;
  /** Users are recorded as an HMAC of their id under this secret (see hashUser). */
  secret: string;
  /** Signals older than this many days are pruned. Default DEFAULT_SIGNAL_RETENTION_DAYS. */
  retentionDays?: number | undefined;
  logger: Logger;
  now?: (() => number) | undefined;
}

/** Records what users asked and did next, for kb:suggest and /review; a store failure is only logged. */
export interface SignalRecorder {
  question(userId: number, text: string, result: EngineResult): Promise<void>;
  press(userId: number, entryId: string): Promise<void>;
  vote(userId: number, entryId: string, vote: Vote): Promise<void>;
}

const OUTCOME: Record<EngineResult['kind'], SignalOutcome> = {
  answer: 'answer',
  suggestions: 'suggestions',
  partial: 'partial',
  notFound: 'refuse',
};

/** The candidates a reply offered: "did you mean" suggestions, or the runners-up shown with an answer. */
function candidatesOf(result: EngineResult): Candidate[] {
  const refs =
    result.kind === 'answer' ? result.alternatives : result.kind === 'partial' ? [] : result.suggestions;
  return refs.map((r) => ({ id: r.id, score: Number(r.score.toFixed(4)) }));
}

/** Builds the recorder over a signal store; prunes signals past the retention at most once an hour. */
export function createSignalRecorder(options: SignalRecorderOptions): SignalRecorder {
  const { store, secret, logger, now = Date.now } = options;
  const retentionMs = (options.retentionDays ?? DEFAULT_SIGNAL_RETENTION_DAYS) * DAY_MS;
  let prunedAt = Number.NEGATIVE_INFINITY;
  const record = async (build: (at: number) => Signal) => {
    const at = now();
    try {
      await store.recordSignal(build(at));
      if (at - prunedAt >= PRUNE_EVERY_MS) {
        prunedAt = at;
        await store.pruneSignals(at - retentionMs);
      }
    } catch (err) {
      logger.warn({ err }, 'could not record a signal');
    }
  };
  return {
    question: (userId, text, result) =>
      record((at) => ({
        type: 'question',
        user: hashUser(secret, userId),
        at,
        text,
        lang: result.detected,
        outcome: OUTCOME[result.kind],
        entryId: result.kind === 'answer' || result.kind === 'partial' ? result.entry.id : null,
        score: result.score,
        candidates: candidatesOf(result),
      })),
    press: (userId, entryId) =>
      record((at) => ({ type: 'press', user: hashUser(secret, userId), at, entryId })),
    vote: (userId, entryId, vote) =>
      record((at) => ({ type: 'vote', user: hashUser(secret, userId), at, entryId, vote })),
  };
}
