/** Every tunable of the matcher, documented in one place; DEFAULT_MATCHER_OPTIONS holds the defaults. */
import type { SpellingOptions } from '../language/spelling.js';

export interface MatcherOptions extends SpellingOptions {
  /** Confidence at or above which the best entry is given as the answer. */
  answerThreshold: number;
  /** Confidence at or above which entries are offered as "did you mean" (below: "I don't know"). */
  suggestThreshold: number;
  /** An entry's unanswered question fitting at least this well (and better than any answer) gives a partial answer. */
  partialThreshold: number;
  /** ...by at least this much over the best answered question. */
  partialMargin: number;
  /** "Did you mean" is offered only when at most this share of the question is words the knowledge base lacks. */
  maxSuggestUnknownShare: number;
  /** Whether a message's sentences and clauses are also decided on alone (long and several-part messages). */
  answerParts: boolean;
  /**
   * Whether the two sides of a part's plain "and" ("the theme and the focus") are decided on alone too,
   * each answered when it clearly fits an entry of its own (see the engine's andSides).
   */
  answerAndSides: boolean;
  /** Whether a part that asks, after a part that only tells, is read as a question about what it told. */
  storyContext: boolean;
  /** A message asking several things is answered with at most this many entries. */
  maxParts: number;
  /** Only a message's first this many sentences and clauses are decided on alone (a bound on the work). */
  maxPartsRead: number;
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
  /** When a question's only known words are small talk ("thanks", "hi"), its unknown words weigh this share. */
  smallTalkUnknownShare: number;
  /** Names (entity concepts) set the scene more than they pick the entry: their weight is multiplied by this. */
  entityWeight: number;
  /**
   * A word common in its language ("but", "over": stopwords-iso's broad lists) that the knowledge base
   * happens to use rarely says little about the entry: its inverse entry frequency is multiplied by this.
   */
  commonWordWeight: number;
  /** Bonus of overview entries when the question asks for a list or a summary (lexicon overviewWords). */
  overviewIntentBonus: number;
  /**
   * An entry none of whose questions asks what the question asks (its question words: where, when, who)
   * scores this share.
   */
  unaskedKindFactor: number;
  /** How much the names borrowed from the previous answer count in a follow-up question. */
  contextFactor: number;
  /**
   * A question that names nothing, said after an answer, goes with what was just said when the entry that
   * reading picks scores, read alone, within this of the best entry alone: context breaks near ties
   * ("when was it launched?" after the Culture Year), not clear answers ("what was the theme?").
   */
  contextTieMargin: number;
  /** Small bonus that breaks ties in favour of overview entries for broad questions. */
  overviewBonus: number;
  /** Chinese questions of at least this many characters may be a known question typed with one slip. */
  hanSlipMinLength: number;
  /** Characters of a question that are read; the rest is cut before matching. */
  maxQueryLength: number;
}

export const DEFAULT_MATCHER_OPTIONS: Readonly<MatcherOptions> = Object.freeze({
  answerThreshold: 0.4,
  suggestThreshold: 0.28,
  partialThreshold: 0.5,
  partialMargin: 0.05,
  maxSuggestUnknownShare: 0.2,
  answerParts: true,
  answerAndSides: true,
  storyContext: true,
  maxParts: 3,
  maxPartsRead: 8,
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
  smallTalkUnknownShare: 0.25,
  entityWeight: 0.8,
  commonWordWeight: 0.5,
  unaskedKindFactor: 0.7,
  contextFactor: 0.6,
  contextTieMargin: 0.15,
  overviewIntentBonus: 0.15,
  overviewBonus: 0.01,
  hanSlipMinLength: 5,
  maxQueryLength: 1000,
});

/**
 * The rules beyond the scoring model, each with what switches it off: `npm run eval -- --ablate` measures
 * what each one buys on the development set (README, "How matching works"). A rule that buys nothing goes.
 */
export interface Rule {
  name: string;
  /** What the rule does, in a line. */
  what: string;
  /** The options that switch it off... */
  options?: Partial<MatcherOptions>;
  /** ...or the lexicon role lists it empties. */
  lexicon?: Partial<Record<'unanswerable' | 'offTopic' | 'questionWords' | 'overviewWords', string[]>>;
}

export const RULES: readonly Rule[] = [
  {
    name: 'parts',
    what: 'sentences and clauses decided alone; several answers in one reply',
    options: { answerParts: false },
  },
  {
    name: 'andSides',
    what: 'the two sides of a plain "and" answered when each clearly asks its own entry',
    options: { answerAndSides: false },
  },
  {
    name: 'storyContext',
    what: 'a question after a part that only tells is about what it told',
    options: { storyContext: false },
  },
  {
    name: 'partial',
    what: "an entry's unanswered questions give an honest partial answer",
    options: { partialThreshold: Number.POSITIVE_INFINITY },
  },
  {
    name: 'unanswerable',
    what: 'lexicon subjects the article never tells (other editions, fees...) are not answered',
    lexicon: { unanswerable: [] },
  },
  {
    name: 'offTopic',
    what: 'lexicon off-topic subjects (weather, poems...) are refused',
    lexicon: { offTopic: [] },
  },
  {
    name: 'suggestKnownOnly',
    what: '"did you mean" only when the words are known',
    options: { maxSuggestUnknownShare: 1 },
  },
  {
    name: 'secondQuestion',
    what: "an entry's second-best question counts too",
    options: { secondQuestionWeight: 0 },
  },
  {
    name: 'unaskedKind',
    what: 'an entry none of whose questions asks where/when/who/how many scores less',
    options: { unaskedKindFactor: 1 },
  },
  {
    name: 'questionKinds',
    what: 'question words (where, when, who, how many) as concepts',
    lexicon: { questionWords: [] },
  },
  {
    name: 'overviewIntent',
    what: 'a request for a summary or list favours overview entries',
    options: { overviewIntentBonus: 0 },
  },
  { name: 'overviewTieBreak', what: 'overview entries win exact ties', options: { overviewBonus: 0 } },
  {
    name: 'smallTalkUnknown',
    what: 'with only small talk known, unknown words count less',
    options: { smallTalkUnknownShare: 1 },
  },
  {
    name: 'hanUnknown',
    what: 'unknown Chinese bigrams (and straddles) count less against a match',
    options: { unknownHanWeight: 1, straddleWeight: 1 },
  },
  {
    name: 'hanSlip',
    what: 'a known Chinese question typed with one slip matches',
    options: { hanSlipMinLength: Number.POSITIVE_INFINITY },
  },
  { name: 'entityWeight', what: 'names weigh less than what is asked', options: { entityWeight: 1 } },
  {
    name: 'contextTies',
    what: 'what was just said breaks near ties for a follow-up that names nothing',
    options: { contextTieMargin: Number.NEGATIVE_INFINITY },
  },
  {
    name: 'commonWords',
    what: 'words common in their language weigh less',
    options: { commonWordWeight: 1 },
  },
];
