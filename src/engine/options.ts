/** Every tunable of the matcher, documented in one place; DEFAULT_MATCHER_OPTIONS holds the defaults. */
import type { SpellingOptions } from '../language/spelling.js';

export interface MatcherOptions extends SpellingOptions {
  /** Confidence at or above which the best entry is given as the answer. */
  answerThreshold: number;
  /** A best entry this far ahead of the runner-up is answered even below answerThreshold... */
  answerMargin: number;
  /** ...as long as its confidence is at least this... */
  marginThreshold: number;
  /** ...and it covers at least this share of what the question asks beyond names. */
  minAskCoverage: number;
  /** Confidence at or above which entries are offered as "did you mean" (below: "I don't know"). */
  suggestThreshold: number;
  /** Queries with at most this many meaningful terms are "short" and use shortAnswerThreshold. */
  shortQueryTerms: number;
  /** Answer threshold for short queries: one word matches many things, so ask for a closer match. */
  shortAnswerThreshold: number;
  /** An entry's unanswered question fitting at least this well (and better than any answer) gives a partial answer. */
  partialThreshold: number;
  /** ...by at least this much over the best answered question. */
  partialMargin: number;
  /** "Did you mean" is offered only when at most this share of the question is words the knowledge base lacks. */
  maxSuggestUnknownShare: number;
  /** A message asking several things is answered with at most this many entries. */
  maxParts: number;
  /** How many "did you mean" entries at most. */
  maxSuggestions: number;
  /** Runners-up within this distance of the best answer are offered alongside it. */
  alternativeMargin: number;
  /** How much the share of the question that matched counts against the share of the entry's question. */
  queryCoverageExponent: number;
  /** Weight of the best single alternate question vs. the entry's whole vocabulary. */
  bestQuestionWeight: number;
  /**
   * Weight of the second-best alternate question: an entry several of whose questions fit is likelier
   * than one with a single stray fit (taken from the whole vocabulary's weight).
   */
  secondQuestionWeight: number;
  /** Weight of a word no entry uses, as a multiple of the rarest known word's: it counts against a match. */
  unknownWeight: number;
  /** A Chinese bigram the knowledge base has never seen weighs this share of an unknown word. */
  unknownHanWeight: number;
  /** ...and one that straddles two words ("馆论" in "图书馆论坛", a by-product of bigrams) this share of that. */
  straddleWeight: number;
  /** An unknown word that is common in the language ("thing", "一共") weighs this share of an unknown one. */
  genericWeight: number;
  /** When a question's only known words are small talk ("thanks", "hi"), its unknown words weigh this share. */
  smallTalkUnknownShare: number;
  /** Names (entity concepts) set the scene more than they pick the entry: their weight is multiplied by this. */
  entityWeight: number;
  /** Bonus of overview entries when the question asks for a list or a summary (lexicon overviewWords). */
  overviewIntentBonus: number;
  /** An entry that mentions none of the names a question names (not even in its answer) scores this share. */
  unmentionedNamesFactor: number;
  /**
   * An entry none of whose questions asks what the question asks (its question words: where, when, who)
   * scores this share.
   */
  unaskedKindFactor: number;
  /** How much the names borrowed from the previous answer count in a follow-up question. */
  contextFactor: number;
  /** Small bonus that breaks ties in favour of overview entries for broad questions. */
  overviewBonus: number;
  /** Chinese questions of at least this many characters may be a known question typed with one slip. */
  hanSlipMinLength: number;
  /** Characters of a question that are read; the rest is cut before matching. */
  maxQueryLength: number;
}

export const DEFAULT_MATCHER_OPTIONS: Readonly<MatcherOptions> = Object.freeze({
  answerThreshold: 0.5,
  answerMargin: 0.1,
  marginThreshold: 0.4,
  minAskCoverage: 0.3,
  suggestThreshold: 0.28,
  shortQueryTerms: 1,
  shortAnswerThreshold: 0.6,
  partialThreshold: 0.5,
  partialMargin: 0.05,
  maxSuggestUnknownShare: 0.2,
  maxParts: 3,
  maxSuggestions: 3,
  alternativeMargin: 0.05,
  queryCoverageExponent: 0.75,
  bestQuestionWeight: 0.75,
  secondQuestionWeight: 0.2,
  fuzzyThreshold: 0.5,
  fuzzyMinLength: 3,
  anyTypoMinLength: 4,
  twoEditsMinLength: 8,
  editFactor: 0.85,
  homophoneFactor: 0.85,
  transliterationCost: 0.25,
  unknownWeight: 1.2,
  unknownHanWeight: 0.5,
  straddleWeight: 0.5,
  genericWeight: 0.5,
  smallTalkUnknownShare: 0.25,
  entityWeight: 0.8,
  unmentionedNamesFactor: 0.9,
  unaskedKindFactor: 0.7,
  contextFactor: 0.6,
  overviewIntentBonus: 0.15,
  overviewBonus: 0.01,
  hanSlipMinLength: 5,
  maxQueryLength: 1000,
});
