/**
 * The answer engine: analyse -> retrieve -> decide -> compose, each a module of its own
 * (analyse.ts, retrieve.ts, decide.ts, compose.ts); every tunable is in options.ts.
 */
import { createHash } from 'node:crypto';
import { countFacts, type KnowledgeBase } from '../knowledge/load.js';
import type { Lang } from '../knowledge/schema.js';
import { DEFAULT_DETECT_WEIGHTS, detectLanguage } from '../language/detect.js';
import { languageRequest } from '../language/request.js';
import { createTokenizer } from '../language/tokenize.js';
import { analyse, type Part, splitAtAnd, stripMarkup } from './analyse.js';
import { type Composed, compose, type PartDecision } from './compose.js';
import { type Decision, decide } from './decide.js';
import { DEFAULT_MATCHER_OPTIONS, type MatcherOptions } from './options.js';
import { createRetriever, type Query, type Ranked } from './retrieve.js';
import type { AskOptions, Engine, EngineResult, EntryRef, KnowledgeInfo } from './types.js';

/** Reply language when there is no choice, no telling language and no fallback. */
export const DEFAULT_LANG: Lang = 'en';

/** Length of the version shown for a knowledge base: enough to tell two edits apart at a glance. */
const VERSION_LENGTH = 12;

/** The version (a hash of the content, whichever folder it came from) and size of a knowledge base. */
export function describeKnowledge(kb: KnowledgeBase): KnowledgeInfo {
  const content = JSON.stringify([kb.entries, kb.topics, kb.lexicon, kb.forum]);
  const version = createHash('sha256').update(content).digest('hex').slice(0, VERSION_LENGTH);
  return { version, entries: kb.entries.length, facts: countFacts(kb.entries) };
}

/** Builds the answer engine over a loaded knowledge base. */
export function createEngine(kb: KnowledgeBase, overrides: Partial<MatcherOptions> = {}): Engine {
  const options: MatcherOptions = { ...DEFAULT_MATCHER_OPTIONS, ...overrides };
  const tokenizer = createTokenizer(kb.lexicon);
  const retriever = createRetriever(kb.entries, tokenizer, options);

  const detect = (text: string) =>
    detectLanguage(
      text.slice(0, options.maxQueryLength),
      tokenizer.isStopword,
      DEFAULT_DETECT_WEIGHTS,
      retriever.readsAs,
    );
  const ref = (r: Ranked, lang: Lang): EntryRef => ({
    id: r.entry.id,
    title: r.entry.i18n[lang].title,
    score: r.score,
  });
  const decideOn = (query: Query) => {
    const ranked = retriever.rank(query);
    return { ranked, decision: decide(ranked, query, options) };
  };

  // Whether a text holds a word of the knowledge base as typed: "верни английский" does not, "Chinese books" does.
  const knows = (text: string) => retriever.query(text).terms.some((t) => t.known && t.factor === 1);

  /** The message read, its language told and the whole of it ranked. */
  function prepare(text: string, askOptions: AskOptions) {
    const analysis = analyse(text, options.maxQueryLength, knows);
    const query = retriever.query(analysis.question);
    // Told after the query: telling the language reuses the corrections it made (see retriever.readsAs).
    const detected = detect(analysis.question);
    const lang = analysis.requested ?? askOptions.lang ?? detected ?? askOptions.fallbackLang ?? DEFAULT_LANG;
    return { analysis, query, detected, lang, ...decideOn(query) };
  }

  /**
   * The decision on a text said after `context` was answered. A follow-up that names nobody and refers
   * back ("and what did he say?") or does not stand on its own ("а где?") borrows that entry's names, and
   * falls back to the text alone. One that stands on its own keeps its own answer, unless what was just
   * said breaks a near tie (see contextTieMargin). One that points at an item shown ("the second one: what
   * will it change?") is about that item.
   */
  function decideAfter(
    text: string,
    query: Query,
    alone: { ranked: Ranked[]; decision: Decision },
    context?: string,
    pointsAt = false,
  ): Decision {
    const { decision } = alone;
    if (!context || (!pointsAt && query.terms.some((t) => t.entity))) return decision;
    const followUp = decideOn(retriever.query(text, { context, sameMessage: true })).decision;
    // A follow-up that refers back, or does not stand on its own, goes with the previous answer, also to
    // say honestly what the article does not tell about it ("how old is she?").
    const leans = pointsAt || query.refersBack || decision.kind !== 'answer';
    if (leans && followUp.kind === 'answer') {
      // What the follow-up itself asks, its borrowed names aside, may be what the article does not tell
      // about that entry ("which novels exactly?" after the Chinese books).
      const own = alone.ranked.find((r) => r.entry.id === followUp.best.entry.id);
      if (own && own.gap >= options.partialThreshold && own.gap >= own.score + options.partialMargin)
        return { kind: 'partial', best: own };
    }
    if (leans && (followUp.kind === 'answer' || followUp.kind === 'partial')) return followUp;
    if (followUp.kind !== 'answer' || decision.kind !== 'answer') return decision;
    const id = followUp.best.entry.id;
    const aloneScore = alone.ranked.find((r) => r.entry.id === id)?.score ?? 0;
    return aloneScore >= decision.best.score - options.contextTieMargin ? followUp : decision;
  }

  /**
   * The decisions on the parts of a message that may each ask something: its sentences and clauses (only
   * those that ask, when some do: a greeting, a story or thanks asks nothing), and for each of them with
   * two question words ("when and where was it?") one variant per question word; a question word in the
   * story around it ("I wonder who…") makes none. A part is read after the parts before it, as a
   * follow-up in a conversation is ("Who spoke for the embassy? What did he say?"); after a part that
   * only tells, as a question about what it told ("…they signed something about manuscripts. Who with?").
   */
  function partDecisions(
    parts: readonly Part[],
    query: Query,
    whole: Decision,
    context?: string,
  ): PartDecision[] {
    const out: PartDecision[] = [];
    // The parts that ask (every part when none does; the message when it is one part).
    const asked: { text: string; query: Query; decision: Decision; asks: boolean }[] = [];
    if (parts.length >= 2) {
      const asking = parts.some((p) => p.asks);
      let before = context;
      // The last answer came from a part that tells ("they signed something about old manuscripts"):
      // the question after it is about that ("Who with?"), as a question about an item shown is.
      let told = false;
      for (const part of parts.slice(0, options.maxPartsRead)) {
        const partQuery = retriever.query(part.text, { sameMessage: true });
        const alone = decideOn(partQuery);
        const decision = decideAfter(
          part.text,
          partQuery,
          alone,
          before,
          options.storyContext && told && part.asks,
        );
        if (part.asks || !asking) {
          out.push({ decision, asks: part.asks });
          asked.push({ text: part.text, query: partQuery, decision, asks: part.asks });
        }
        if (decision.kind === 'answer' && decision.best.entry.kind !== 'chitchat') {
          before = decision.best.entry.id;
          told = !part.asks;
        }
      }
    } else {
      // A message of one part is its own part: "when, where and what was it?" leads with the overview.
      out.push({ decision: whole, asks: parts[0]?.asks ?? false });
      asked.push({ text: parts[0]?.text ?? '', query, decision: whole, asks: parts[0]?.asks ?? false });
    }
    for (const part of asked)
      out.push(...andSides(part.text, part.decision).map((decision) => ({ decision, asks: part.asks })));
    for (const { query: q, asks: partAsks } of asked) {
      const asks = q.terms.filter((t) => t.role === 'question' && t.known);
      if (asks.length < 2) continue;
      for (const ask of asks) {
        const terms = q.terms.filter((t) => t.role !== 'question' || t === ask);
        out.push({ decision: decideOn({ ...q, terms }).decision, asks: partAsks });
      }
    }
    return out;
  }

  /**
   * The decisions on the two sides of a part's plain "and" when it joins two things asked ("the theme
   * and this year's focus", "张汉晖和柳比莫娃分别说了啥"), none otherwise. Each side must answer its own
   * entry clearly (no close alternative) and fit it at least as well as the part fits its answer; two
   * names in one question ("the deal between the RSL and the NLC") do neither.
   */
  function andSides(text: string, decision: Decision): Decision[] {
    const sides = options.answerAndSides && decision.kind === 'answer' ? splitAtAnd(text) : undefined;
    if (!sides || decision.kind !== 'answer') return [];
    const [a, b] = sides.map((side) => decideOn(retriever.query(side, { sameMessage: true })).decision);
    const clear = (d: Decision | undefined): d is Decision & { kind: 'answer' } =>
      d?.kind === 'answer' &&
      d.best.entry.kind !== 'chitchat' &&
      d.alternatives.length === 0 &&
      d.best.score >= decision.best.score;
    return clear(a) && clear(b) && a.best.entry.id !== b.best.entry.id ? [a, b] : [];
  }

  function result(
    composed: Composed,
    base: { lang: Lang; detected: Lang | null; requested?: Lang },
  ): EngineResult {
    const { lang } = base;
    const score = composed.best ? Number(composed.best.score.toFixed(4)) : null;
    switch (composed.kind) {
      case 'answer':
        return {
          ...base,
          score,
          kind: 'answer',
          entry: composed.best.entry,
          also: (composed.also ?? []).map((r) => r.entry),
          alternatives: composed.alternatives.map((r) => ref(r, lang)),
        };
      case 'partial':
        return {
          ...base,
          score: Number(composed.best.gap.toFixed(4)),
          kind: 'partial',
          entry: composed.best.entry,
        };
      case 'suggestions':
        return {
          ...base,
          score,
          kind: 'suggestions',
          suggestions: composed.suggestions.map((r) => ref(r, lang)),
        };
      case 'refuse':
        return { ...base, score, kind: 'notFound', suggestions: [] };
    }
  }

  // Hashed when first asked for (the bot at start and on reload), not by every CLI start-up.
  let knowledge: KnowledgeInfo | undefined;

  return {
    detect,
    topics: kb.topics,
    forum: kb.forum,
    get knowledge() {
      knowledge ??= describeKnowledge(kb);
      return knowledge;
    },
    entry: (id) => kb.byId.get(id),
    requestedLanguage: (text) => languageRequest(stripMarkup(text.slice(0, options.maxQueryLength)), knows),

    ask(text, askOptions = {}): EngineResult {
      const { analysis, query, detected, lang, ranked, decision } = prepare(text, askOptions);
      const base = { lang, detected, ...(analysis.requested ? { requested: analysis.requested } : {}) };
      const { context, pointsAtContext } = askOptions;
      const followUp = decideAfter(analysis.question, query, { ranked, decision }, context, pointsAtContext);
      if (followUp !== decision) return result(followUp, base);
      let whole = decision;
      if (options.answerParts)
        whole = compose(whole, partDecisions(analysis.parts, query, whole, context), options.maxParts);
      return result(whole, base);
    },

    explain(text, limit = 5) {
      const { lang, ranked, query } = prepare(text, {});
      return { terms: query.terms, ranked: ranked.slice(0, limit).map((r) => ref(r, lang)) };
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
