import { LANGS, type Lang } from '../knowledge/schema.js';

/** Logged questions are cut to this many characters: enough to see what was asked, not a dump. */
export const MAX_LOGGED_TEXT_LENGTH = 500;

/** At most this many unanswered questions are kept; the oldest go first (a flood cannot fill the disk). */
export const DEFAULT_MAX_UNANSWERED = 10_000;

/** The engine's result kinds that mean "not answered". */
export const UNANSWERED_KINDS = ['notFound', 'suggestions', 'partial'] as const;
export type UnansweredKind = (typeof UNANSWERED_KINDS)[number];

/**
 * A question the bot could not answer, as the curators see it. Deliberately anonymous: never who asked,
 * in which chat, or under which name.
 */
export interface UnansweredQuestion {
  /** The question as typed (at most MAX_LOGGED_TEXT_LENGTH characters). */
  text: string;
  /** The question's detected language, or null when it could not be told. */
  lang: Lang | null;
  /** The best match's confidence in [0, 1], or null when nothing matched at all. */
  score: number | null;
  /** "did you mean" (suggestions), "I don't know" (notFound) or "not in the article" (partial). */
  kind: UnansweredKind;
  /** When it was asked, in milliseconds since the epoch. */
  at: number;
}

/** A press of 👍 (up) or 👎 (down) under an answer. */
export type Vote = 'up' | 'down';

/** One vote on one entry's answer; anonymous like the question log. */
export interface EntryVote {
  entryId: string;
  vote: Vote;
  /** The language the answer was shown in. */
  lang: Lang;
  /** When it was cast, in milliseconds since the epoch. */
  at: number;
}

/** The votes an entry received. */
export interface VoteTally {
  entryId: string;
  up: number;
  down: number;
}

/**
 * How many questions were answered and not answered since the store was created. Totals: unlike the
 * question log, which keeps only the newest questions, these are never pruned.
 */
export interface ReplyCounts {
  answered: number;
  unanswered: number;
}

/** Read access to what users told the curators: the unanswered questions and the votes. */
export interface FeedbackReader {
  /** Every logged unanswered question, oldest first. */
  unanswered(): Promise<UnansweredQuestion[]>;
  /** Vote counts per entry that has any, in no particular order. */
  votes(): Promise<VoteTally[]>;
  /** Questions answered and not answered so far (for the admins' /stats). */
  replyCounts(): Promise<ReplyCounts>;
  /** Releases the storage; the reader must not be used afterwards. */
  close(): Promise<void>;
}

/** The curator feedback store: the bot appends, `kb:unanswered` reads. Asynchronous like the preferences. */
export interface FeedbackStore extends FeedbackReader {
  /** Appends a question the bot could not answer (cut to MAX_LOGGED_TEXT_LENGTH) and counts it. */
  logUnanswered(question: UnansweredQuestion): Promise<void>;
  /** Counts one question the bot answered (nothing about it is kept but the count). */
  countAnswered(): Promise<void>;
  /**
   * Counts one vote for an entry. With `messageKey` (the message voted on, "chat:message") a message counts
   * once: a second press, even on another instance before the buttons are gone, resolves false and is not
   * counted.
   */
  recordVote(vote: EntryVote, messageKey?: string): Promise<boolean>;
}

/** How long a voted message is remembered (its vote buttons are removed right after the vote anyway). */
export const VOTED_MESSAGE_TTL_MS = 24 * 60 * 60 * 1000;
/** How many voted messages the memory store remembers. */
export const VOTED_MESSAGES_REMEMBERED = 10_000;

/** The text as it is logged: trimmed and cut to `max` characters, never inside a surrogate pair. */
export function clampText(text: string, max: number = MAX_LOGGED_TEXT_LENGTH): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  return Array.from(trimmed).slice(0, max).join('');
}

/**
 * A logged question as read back from storage. A language or kind written by a future version that this
 * one does not know reads as "unknown language" and "I don't know".
 */
export function readQuestion(stored: {
  text: string;
  lang: unknown;
  score: number | null;
  kind: unknown;
  at: number;
}): UnansweredQuestion {
  const { text, lang, score, kind, at } = stored;
  return {
    text,
    lang: LANGS.includes(lang as Lang) ? (lang as Lang) : null,
    score,
    kind: UNANSWERED_KINDS.includes(kind as UnansweredKind) ? (kind as UnansweredKind) : 'notFound',
    at,
  };
}

/** Adds one vote to the tallies keyed by entry id. */
export function tallyVote(tallies: Map<string, VoteTally>, entryId: string, vote: Vote, count = 1): void {
  const tally = tallies.get(entryId) ?? { entryId, up: 0, down: 0 };
  tally[vote] += count;
  tallies.set(entryId, tally);
}

/** A feedback store in memory only (tests, and a fallback when no disk is wanted). */
export function createMemoryFeedbackStore(): FeedbackStore {
  const questions: UnansweredQuestion[] = [];
  const tallies = new Map<string, VoteTally>();
  const counts: ReplyCounts = { answered: 0, unanswered: 0 };
  // Insertion-ordered: the oldest voted message is forgotten first.
  const voted = new Set<string>();
  return {
    logUnanswered: async (question) => {
      questions.push({ ...question, text: clampText(question.text) });
      counts.unanswered += 1;
    },
    countAnswered: async () => {
      counts.answered += 1;
    },
    recordVote: async ({ entryId, vote }, messageKey) => {
      if (messageKey !== undefined) {
        if (voted.has(messageKey)) return false;
        voted.add(messageKey);
        if (voted.size > VOTED_MESSAGES_REMEMBERED) voted.delete(voted.values().next().value as string);
      }
      tallyVote(tallies, entryId, vote);
      return true;
    },
    unanswered: async () => questions.map((q) => ({ ...q })),
    votes: async () => [...tallies.values()].map((t) => ({ ...t })),
    replyCounts: async () => ({ ...counts }),
    close: async () => {
      questions.length = 0;
      tallies.clear();
      voted.clear();
    },
  };
}
