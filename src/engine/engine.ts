import type { KnowledgeBase } from '../knowledge/load.js';
import type { Lang } from '../knowledge/schema.js';
import { DEFAULT_DETECT_WEIGHTS, detectLanguage } from '../language/detect.js';
import { languageRequest } from '../language/request.js';
import { createTokenizer } from '../language/tokenize.js';
import { createMatcher, type Ranked } from './matcher.js';
import { DEFAULT_MATCHER_OPTIONS, type MatcherOptions } from './options.js';
import type { AskOptions, Engine, EngineResult, EntryRef, QueryTerm } from './types.js';

/** Reply language when there is no choice, no telling language and no fallback. */
export const DEFAULT_LANG: Lang = 'en';

/** Builds the answer engine over a loaded knowledge base. */
export function createEngine(kb: KnowledgeBase, overrides: Partial<MatcherOptions> = {}): Engine {
  const options: MatcherOptions = { ...DEFAULT_MATCHER_OPTIONS, ...overrides };
  const tokenizer = createTokenizer(kb.lexicon);
  const matcher = createMatcher(kb.entries, tokenizer, options);

  const detect = (text: string) =>
    detectLanguage(
      text.slice(0, options.maxQueryLength),
      tokenizer.isStopword,
      DEFAULT_DETECT_WEIGHTS,
      matcher.readsAs,
    );
  const ref = (r: Ranked, lang: Lang): EntryRef => ({
    id: r.entry.id,
    title: r.entry.i18n[lang].title,
    score: r.score,
  });

  function prepare(text: string, askOptions: AskOptions) {
    const cut = text.slice(0, options.maxQueryLength);
    // "Who is Zhang Hanhui? Answer in Russian": the language the message asks for wins, and is not matched.
    const request = languageRequest(cut);
    const question = request ? request.rest : cut;
    // Ranked first: telling the language reuses the corrections ranking made (see matcher.readsAs).
    const ranking = matcher.rank(question);
    const detected = detect(question);
    const lang = request?.lang ?? askOptions.lang ?? detected ?? askOptions.fallbackLang ?? DEFAULT_LANG;
    return { question, detected, lang, requested: request?.lang, ...ranking };
  }

  /** Whether the best entry answers: a confident score or a clear lead, covering what is asked. */
  function decide(ranked: Ranked[], terms: readonly QueryTerm[]) {
    const termCount = terms.length;
    const best = ranked[0];
    const threshold =
      termCount <= options.shortQueryTerms ? options.shortAnswerThreshold : options.answerThreshold;
    if (!best || best.score < options.suggestThreshold) return { best, threshold, answer: false };
    const second = ranked[1]?.score ?? 0;
    const clearWinner = best.score >= options.marginThreshold && best.score - second >= options.answerMargin;
    // Matching only the names ("the email of the Capital Library") is not answering the question.
    const coversAsk = best.askCoverage >= options.minAskCoverage;
    // Asking what the source does not tell (the next forum, how many came) is never answered.
    const answerable = !terms.some((t) => t.role === 'unanswerable');
    return { best, threshold, answer: (best.score >= threshold || clearWinner) && coversAsk && answerable };
  }

  function result(
    { best, threshold, answer }: ReturnType<typeof decide>,
    ranked: Ranked[],
    base: { lang: Lang; detected: Lang | null },
  ): EngineResult {
    const { lang } = base;
    const score = best ? Number(best.score.toFixed(4)) : null;
    if (!best || best.score < options.suggestThreshold)
      return { ...base, score, kind: 'notFound', suggestions: [] };
    if (answer) {
      const alternatives = ranked
        .slice(1, options.maxSuggestions)
        .filter((r) => r.score >= threshold && best.score - r.score <= options.alternativeMargin)
        .map((r) => ref(r, lang));
      return { ...base, score, kind: 'answer', entry: best.entry, also: [], alternatives };
    }
    const suggestions = ranked
      .slice(0, options.maxSuggestions)
      .filter((r) => r.score >= options.suggestThreshold)
      .map((r) => ref(r, lang));
    return { ...base, score, kind: 'suggestions', suggestions };
  }

  return {
    detect,
    topics: kb.topics,
    entry: (id) => kb.byId.get(id),

    ask(text, askOptions = {}): EngineResult {
      const { question, detected, lang, requested, ranked, terms, refersBack } = prepare(text, askOptions);
      const base = { lang, detected, ...(requested ? { requested } : {}) };
      const alone = decide(ranked, terms);
      // A follow-up that names nobody and refers back ("and what did he say?") or does not stand on its
      // own ("а где?") is about what was just answered: it borrows that entry's names, and falls back to
      // the question alone. A question that stands on its own ("thanks", "what was the forum for?") does not.
      if (askOptions.context && !terms.some((t) => t.entity) && (refersBack || !alone.answer)) {
        const followUp = matcher.rank(question, askOptions.context);
        const withContext = decide(followUp.ranked, followUp.terms);
        if (withContext.answer) return result(withContext, followUp.ranked, base);
      }
      return result(alone, ranked, base);
    },

    explain(text, limit = 5) {
      const { lang, ranked, terms } = prepare(text, {});
      return { terms, ranked: ranked.slice(0, limit).map((r) => ref(r, lang)) };
    },

    search(text, { limit = 5, ...askOptions } = {}) {
      const { lang, ranked } = prepare(text, askOptions);
      const hits = ranked
        .filter((r) => r.score >= options.suggestThreshold)
        .slice(0, limit)
        .map((r) => ref(r, lang));
      return { lang, hits };
    },
  };
}
