import type { Lang } from '../knowledge/schema.js';

/** Logged questions are cut to this many characters: enough to see what was asked, not a dump. */
export const MAX_LOGGED_TEXT_LENGTH = 500;

/** The engine's result kinds that mean "not answered". */
export const UNANSWERED_KINDS = ['notFound', 'suggestions'] as const;
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
  /** "did you mean" (suggestions) or "I don't know" (notFound). */
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
  unanswered(): UnansweredQuestion[];
  /** Vote counts per entry that has any, in no particular order. */
  votes(): VoteTally[];
  /** Questions answered and not answered so far (for the admins' /stats). */
  replyCounts(): ReplyCounts;
  /** Releases the storage; the reader must not be used afterwards. */
  close(): void;
}

/** The curator feedback store: the bot appends, `kb:unanswered` reads. Synchronous like the preferences. */
export interface FeedbackStore extends FeedbackReader {
  /** Appends a question the bot could not answer (cut to MAX_LOGGED_TEXT_LENGTH) and counts it. */
  logUnanswered(question: UnansweredQuestion): void;
  /** Counts one question the bot answered (nothing about it is kept but the count). */
  countAnswered(): void;
  /** Counts one vote for an entry. */
  recordVote(vote: EntryVote): void;
}

/** The text as it is logged: trimmed and cut to `max` characters, never inside a surrogate pair. */
export function clampText(text: string, max: number = MAX_LOGGED_TEXT_LENGTH): string {
  const trimmed = text.trim();
  if (trimmed.length <= max) return trimmed;
  return Array.from(trimmed).slice(0, max).join('');
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
  return {
    logUnanswered: (question) => {
      questions.push({ ...question, text: clampText(question.text) });
      counts.unanswered += 1;
    },
    countAnswered: () => {
      counts.answered += 1;
    },
    recordVote: ({ entryId, vote }) => tallyVote(tallies, entryId, vote),
    unanswered: () => questions.map((q) => ({ ...q })),
    votes: () => [...tallies.values()].map((t) => ({ ...t })),
    replyCounts: () => ({ ...counts }),
    close: () => {
      questions.length = 0;
      tallies.clear();
    },
  };
}
