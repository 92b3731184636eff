import { createHmac } from 'node:crypto';
import { LANGS, type Lang } from '../knowledge/schema.js';
import { clampText, type Vote } from './feedback.js';

/** Signals older than this many days are pruned when SIGNAL_RETENTION_DAYS is not set. */
export const DEFAULT_SIGNAL_RETENTION_DAYS = 90;
/** One day in milliseconds, for turning SIGNAL_RETENTION_DAYS into a cut-off time. */
export const DAY_MS = 24 * 60 * 60 * 1000;

/** What the bot did with a question: answered it, offered "did you mean", said the article does not say, or refused. */
export type SignalOutcome = 'answer' | 'suggestions' | 'partial' | 'refuse';

/** An entry the engine considered, with its score. */
export interface Candidate {
  id: string;
  score: number;
}

/**
 * One thing a user did, as the curators' tools read it. `user` is an HMAC of the Telegram user id (see
 * hashUser): it links a question to the press or vote that followed, and names nobody.
 */
export type Signal =
  | {
      type: 'question';
      user: string;
      at: number;
      /** The question as typed (cut to MAX_LOGGED_TEXT_LENGTH). */
      text: string;
      lang: Lang | null;
      outcome: SignalOutcome;
      /** The entry answered (or whose partial answer was given), null otherwise. */
      entryId: string | null;
      score: number | null;
      /** The "did you mean" suggestions or the close runners-up offered with an answer. */
      candidates: Candidate[];
    }
  /** A button naming an entry pressed (a "did you mean" choice when it follows a question offering it). */
  | { type: 'press'; user: string; at: number; entryId: string }
  | { type: 'vote'; user: string; at: number; entryId: string; vote: Vote };

/** An alternate question accepted in /review, waiting in the store to be written into knowledge/. */
export interface PendingAlternate {
  entryId: string;
  lang: Lang;
  question: string;
  /** The suggestion group it came from. */
  group: string;
  at: number;
}

/** A curator's decision on a suggestion group, so that it is not proposed again. */
export interface SuggestionDecision {
  group: string;
  decision: 'accepted' | 'rejected';
  /** The entry the group was accepted into. */
  entryId?: string | undefined;
  at: number;
}

/** The traffic signals and the curators' decisions, shared by every instance like the rest of the store. */
export interface SignalStore {
  /** Appends one signal. */
  recordSignal(signal: Signal): Promise<void>;
  /** Every signal kept, oldest first. */
  signals(): Promise<Signal[]>;
  /** Deletes the signals older than `before` (ms since the epoch); resolves with how many went. */
  pruneSignals(before: number): Promise<number>;
  /** Keeps alternates accepted in /review (one already pending is kept once). */
  addPendingAlternates(alternates: readonly PendingAlternate[]): Promise<void>;
  /** The pending alternates, oldest first. */
  pendingAlternates(): Promise<PendingAlternate[]>;
  /** Forgets pending alternates (once written into knowledge/). */
  removePendingAlternates(alternates: readonly PendingAlternate[]): Promise<void>;
  /** Records (or replaces) the decision on a group. */
  decide(decision: SuggestionDecision): Promise<void>;
  /** Every decision, in no particular order. */
  decisions(): Promise<SuggestionDecision[]>;
}

/**
 * The user as signals name them: an HMAC-SHA256 of the id under a secret, cut to 16 hex digits. Without
 * the secret the id cannot be recovered by trying every id.
 */
export function hashUser(secret: string, userId: number): string {
  return createHmac('sha256', secret).update(String(userId)).digest('hex').slice(0, 16);
}

/** The secret users are hashed with: SIGNAL_SECRET when set, else one derived from the bot token. */
export function signalSecret(token: string, configured?: string): string {
  return configured ?? createHmac('sha256', token).update('forum-bot signals').digest('hex');
}

/** A key telling one pending alternate from another. */
export const pendingKey = (a: Pick<PendingAlternate, 'entryId' | 'lang' | 'question'>): string =>
  `${a.entryId}\n${a.lang}\n${a.question}`;

/** A signal as stored: the question text clamped. */
export function storedSignal(signal: Signal): Signal {
  return signal.type === 'question' ? { ...signal, text: clampText(signal.text) } : { ...signal };
}

const isLang = (value: unknown): value is Lang => LANGS.includes(value as Lang);

/** A signal read back from storage; null for anything this version did not write. */
export function readSignal(raw: unknown): Signal | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const s = raw as Record<string, unknown>;
  if (typeof s.user !== 'string' || typeof s.at !== 'number') return null;
  if (s.type === 'press' && typeof s.entryId === 'string')
    return { type: 'press', user: s.user, at: s.at, entryId: s.entryId };
  if (s.type === 'vote' && typeof s.entryId === 'string' && (s.vote === 'up' || s.vote === 'down'))
    return { type: 'vote', user: s.user, at: s.at, entryId: s.entryId, vote: s.vote };
  if (s.type !== 'question' || typeof s.text !== 'string') return null;
  const outcomes: SignalOutcome[] = ['answer', 'suggestions', 'partial', 'refuse'];
  return {
    type: 'question',
    user: s.user,
    at: s.at,
    text: s.text,
    lang: isLang(s.lang) ? s.lang : null,
    outcome: outcomes.includes(s.outcome as SignalOutcome) ? (s.outcome as SignalOutcome) : 'refuse',
    entryId: typeof s.entryId === 'string' ? s.entryId : null,
    score: typeof s.score === 'number' ? s.score : null,
    candidates: Array.isArray(s.candidates)
      ? s.candidates.filter((c): c is Candidate => typeof c?.id === 'string' && typeof c?.score === 'number')
      : [],
  };
}

/** A pending alternate read back from storage; null for anything this version did not write. */
export function readPending(raw: unknown): PendingAlternate | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const p = raw as Record<string, unknown>;
  if (
    typeof p.entryId !== 'string' ||
    !isLang(p.lang) ||
    typeof p.question !== 'string' ||
    typeof p.group !== 'string' ||
    typeof p.at !== 'number'
  )
    return null;
  return { entryId: p.entryId, lang: p.lang, question: p.question, group: p.group, at: p.at };
}

/** Signals and decisions in memory only (tests, the memory store). */
export function createMemorySignalStore(): SignalStore {
  let signals: Signal[] = [];
  const pending = new Map<string, PendingAlternate>();
  const decisions = new Map<string, SuggestionDecision>();
  return {
    recordSignal: async (signal) => {
      signals.push(storedSignal(signal));
    },
    signals: async () => [...signals].sort((a, b) => a.at - b.at).map((s) => ({ ...s })),
    pruneSignals: async (before) => {
      const kept = signals.filter((s) => s.at >= before);
      const removed = signals.length - kept.length;
      signals = kept;
      return removed;
    },
    addPendingAlternates: async (alternates) => {
      for (const a of alternates) if (!pending.has(pendingKey(a))) pending.set(pendingKey(a), { ...a });
    },
    pendingAlternates: async () => [...pending.values()].sort((a, b) => a.at - b.at),
    removePendingAlternates: async (alternates) => {
      for (const a of alternates) pending.delete(pendingKey(a));
    },
    decide: async (decision) => {
      decisions.set(decision.group, { ...decision });
    },
    decisions: async () => [...decisions.values()],
  };
}
