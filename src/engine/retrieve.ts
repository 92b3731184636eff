import type { Entry } from '../knowledge/schema.js';
import { normalizeText } from '../language/normalize.js';
import { type Corrector, createCorrector, oneHanSlipApart } from '../language/spelling.js';
import type { Term, Tokenizer } from '../language/tokenize.js';
import type { MatcherOptions } from './options.js';

/** The characters of a text written only in Chinese (punctuation aside), if it has at least `min`. */
function hanChars(text: string, min: number): string[] | undefined {
  if (!HAN.test(text)) return undefined;
  const chars = [...normalizeText(text).replace(/[^\p{L}\p{N}]/gu, '')];
  return chars.length >= min && chars.every((c) => HAN.test(c)) ? chars : undefined;
}
const HAN = /\p{Script=Han}/u;
const CYRILLIC = /^\p{Script=Cyrillic}/u;

/** One entry's confidence for a query. */
export interface Ranked {
  entry: Entry;
  /** How well the entry's questions (those its answer answers) fit the query, in [0, 1]. */
  score: number;
  /**
   * How well the entry's unanswered questions (about its subject, not answered by the source) fit the
   * query, in [0, 1]: above `score`, the question asks what the article does not say.
   */
  gap: number;
}

/** A query term as the index sees it. */
export interface QueryTerm {
  text: string;
  /** False when no entry uses the term: it counts against every match. */
  known: boolean;
  weight: number;
  /** 1 for an exact term, less for a corrected typo. */
  factor: number;
  /** Names a person, place, institution or event. */
  entity: boolean;
  /** Says what kind of answer is wanted ("when") or asks for a summary ("overview"), see the lexicon. */
  role?: Term['role'];
  /** Found across the segmenter's word boundaries (see Term.cutApart). */
  cutApart?: boolean;
  /** An unknown word that is common in its language (see Term.generic). */
  generic?: boolean;
}

interface Doc {
  entry: number;
  weight: number;
  /** One of the entry's unanswered questions. */
  gap: boolean;
}

/** A question as the index sees it, ready to rank. */
export interface Query {
  terms: QueryTerm[];
  /** It refers back to what was said before ("he", "она", "他说"). */
  refersBack: boolean;
  /** It asks for a list or a summary (an overview entry), see the lexicon's overviewWords. */
  wantsOverview: boolean;
  /** The characters of a question written only in Chinese, for the one-slip check. */
  han?: string[];
}

/** Ranks entries for a query; built once per knowledge base. */
export interface Retriever {
  /**
   * A question's terms as the index sees them; `context` (an entry answered just before) lends the
   * question that entry's names, for follow-ups like "and what did he say?". `sameMessage` reuses the
   * typo corrections of the previous query (a part of the message queried just before).
   */
  query(text: string, options?: { context?: string; sameMessage?: boolean }): Query;
  /** The entries that share a term with the query, best first. */
  rank(query: Query): Ranked[];
  /**
   * What a lower-case Latin word the knowledge base does not spell reads as: Chinese pinyin ("luntan"),
   * a Russian word of the knowledge base in Latin letters ("podpisali"), or neither (null). Cheapest
   * right after ranking the question the word comes from: its corrections are reused.
   */
  readsAs(word: string): 'zh' | 'ru' | null;
}

/**
 * Builds the retriever: an inverted index with one document per alternate question, keyword, title and
 * unanswered question of every language, term weights by inverse entry frequency, and a spelling
 * corrector over the vocabulary.
 */
export function createRetriever(
  entries: readonly Entry[],
  tokenizer: Tokenizer,
  options: MatcherOptions,
): Retriever {
  const answered = (entry: Entry) =>
    Object.values(entry.i18n).flatMap((side) => [side.title, ...side.questions, ...side.keywords]);
  const texts = (entry: Entry) => [
    ...answered(entry).map((text) => ({ text, gap: false })),
    ...Object.values(entry.i18n).flatMap((side) => side.unanswered.map((text) => ({ text, gap: true }))),
  ];

  // Typos are corrected on surface words, before stemming and synonym folding ("wehn" -> "when" -> ~when),
  // against every word the knowledge base and the lexicon spell.
  const vocabulary = new Map<string, number>();
  // A homophone typo is corrected to a real word of the knowledge base or its lexicon, never to a
  // bigram that only straddles two words of a question there ("坛体" in 论坛体现).
  const words = new Set<string>();
  const phrases = new Set(tokenizer.phrases);
  for (const text of [...entries.flatMap((e) => texts(e).map((t) => t.text)), ...phrases]) {
    for (const { piece, straddles } of tokenizer.pieces(text)) {
      vocabulary.set(piece, (vocabulary.get(piece) ?? 0) + 1);
      // Inside a synonym phrase every bigram is part of a name or term (文化年), wherever words split.
      if (!straddles || phrases.has(text)) words.add(piece);
    }
  }
  const corrector = createCorrector(vocabulary, options, tokenizer.isAnyStopword, words);
  // The words of the message queried last and their corrections: its parts and readsAs (telling the
  // language, after ranking) ask about the same words, and a correction is the costly part of a question.
  let lastCorrections = new Map<string, ReturnType<Corrector>>();
  const correct: Corrector = Object.assign(
    (piece: string, kind: 'word' | 'han') => {
      const key = kind === 'han' ? `h${piece}` : `w${piece}`;
      const known = lastCorrections.get(key);
      if (known !== undefined) return known;
      const fixed = corrector(piece, kind);
      lastCorrections.set(key, fixed);
      return fixed;
    },
    { isPinyin: corrector.isPinyin, pinyin: corrector.pinyin },
  );

  const docs: Doc[] = [];
  // Chinese questions by length in characters, for telling a question typed with one slip (see
  // oneHanSlipApart): the bigrams of 什么时开幕 or 主题的木的是啥 miss what the question plainly is.
  const hanQuestions = new Map<number, { doc: number; chars: string[] }[]>();
  const docTerms: string[][] = [];
  const postings = new Map<string, number[]>();
  const entryFreq = new Map<string, number>();
  // Words common in their language ("but", "over", "的时"): rare in the knowledge base, not specific.
  const common = new Set<string>();
  // Terms mostly used by fact entries' questions; the others ("hi", "thanks") are small talk, even when
  // a fact's question says thanks too.
  const factual = new Set<string>();
  const factDocs = new Map<string, number>();
  const talkDocs = new Map<string, number>();
  // The names (entity concepts) each entry's titles and answer use, by entry id: what a follow-up
  // borrows ("who said this?" after the Chinese books). Not its questions: they name everything around it.
  const namesOf = new Map<string, Set<string>>();
  // Per unanswered question (by doc index): its distinctive terms, see below.
  const distinctive = new Map<number, Set<string>>();
  // Per entry (by index): the terms of each of its answered questions.
  const answeredSets = new Map<number, Set<string>[]>();
  entries.forEach((entry, e) => {
    const firstDoc = docs.length;
    const seen = new Set<string>();
    namesOf.set(
      entry.id,
      new Set(
        [...Object.values(entry.i18n).map((side) => side.title), entry.i18n.en.answer].flatMap((text) =>
          tokenizer
            .terms(text)
            .filter((t) => t.entity)
            .map((t) => t.text),
        ),
      ),
    );
    for (const { text, gap } of texts(entry)) {
      // A pronoun refers to context, and a greeting in a fact's question ("hi, when was it?") is not the fact.
      const tokens = tokenizer
        .terms(text)
        .filter((t) => t.role !== 'followUp' && (t.role !== 'greeting' || entry.kind === 'chitchat'));
      const terms = [...new Set(tokens.map((t) => t.text))];
      for (const t of tokens) if (t.generic) common.add(t.text);
      if (terms.length === 0) continue;
      const d = docs.length;
      docs.push({ entry: e, weight: 0, gap });
      const chars = gap ? undefined : hanChars(text, options.hanSlipMinLength);
      if (chars) {
        const list = hanQuestions.get(chars.length) ?? [];
        list.push({ doc: d, chars });
        hanQuestions.set(chars.length, list);
      }
      docTerms.push(terms);
      const tally = entry.kind === 'chitchat' ? talkDocs : factDocs;
      for (const t of terms) {
        seen.add(t);
        tally.set(t, (tally.get(t) ?? 0) + 1);
        const list = postings.get(t);
        if (list) list.push(d);
        else postings.set(t, [d]);
      }
    }
    for (const t of seen) entryFreq.set(t, (entryFreq.get(t) ?? 0) + 1);
    // What makes an unanswered question unanswered: its terms no answered question of the entry has
    // ("in person" in "who signed it in person?"). A question lacking all of them is not that one.
    const answeredDocs = docTerms.slice(firstDoc).filter((_, i) => !docs[firstDoc + i]?.gap);
    const answeredTerms = new Set(answeredDocs.flat());
    for (let d = firstDoc; d < docs.length; d++)
      if (docs[d]?.gap) distinctive.set(d, new Set((docTerms[d] ?? []).filter((t) => !answeredTerms.has(t))));
    answeredSets.set(
      e,
      answeredDocs.map((terms) => new Set(terms)),
    );
  });
  for (const [t, count] of factDocs) if (count > (talkDocs.get(t) ?? 0)) factual.add(t);

  // Inverse entry frequency: a word in every question of one entry is still specific to that entry.
  const n = entries.length;
  const weightOf = new Map<string, number>();
  for (const [t, f] of entryFreq)
    weightOf.set(t, Math.log(1 + n / f) * (common.has(t) ? options.commonWordWeight : 1));
  const unknownWeight = Math.log(1 + n) * options.unknownWeight;
  docTerms.forEach((terms, d) => {
    (docs[d] as Doc).weight = terms.reduce((sum, t) => sum + (weightOf.get(t) ?? 0), 0);
  });

  function queryTerms(text: string): QueryTerm[] {
    const seen = new Set<string>();
    const out: QueryTerm[] = [];
    for (const term of tokenizer.terms(text, correct)) {
      if (seen.has(term.text)) continue;
      seen.add(term.text);
      const weight = weightOf.get(term.text);
      const entity = term.entity === true;
      // A guessed correction (解释 read as 诗) may not refuse a question: only what is typed as it is does.
      const guessed = term.factor < 1 && (term.role === 'offTopic' || term.role === 'unanswerable');
      const role = guessed ? undefined : term.role;
      if (weight !== undefined) {
        out.push({
          text: term.text,
          known: true,
          weight,
          factor: term.factor,
          entity,
          role,
          ...(term.cutApart ? { cutApart: true } : {}),
        });
      } else {
        const share =
          term.kind !== 'han' ? 1 : options.unknownHanWeight * (term.straddles ? options.straddleWeight : 1);
        const common = term.generic ? { generic: true } : {};
        out.push({
          text: term.text,
          known: false,
          weight: unknownWeight * share,
          factor: 0,
          entity,
          role,
          ...common,
        });
      }
    }
    return out;
  }

  // Scratch space reused by every query (rank is synchronous and single-threaded): per-doc and
  // per-entry accumulators in typed arrays instead of fresh Maps and Sets per query.
  const docEntry = Int32Array.from(docs, (doc) => doc.entry);
  const docWeight = Float64Array.from(docs, (doc) => doc.weight);
  const docGap = Uint8Array.from(docs, (doc) => (doc.gap ? 1 : 0));
  const docAsksGap = new Uint8Array(docs.length);
  const matchedQuery = new Float64Array(docs.length);
  const matchedDoc = new Float64Array(docs.length);
  const docTouched = new Uint8Array(docs.length);
  const touchedDocs = new Int32Array(docs.length);
  const entryCover = new Float64Array(n);
  // Whether some question of the entry asks what this query asks (where, when, who).
  const entryAsksKind = new Uint8Array(n);
  const bestDoc = new Float64Array(n);
  const bestGap = new Float64Array(n);
  const secondDoc = new Float64Array(n);
  const entryTouched = new Uint8Array(n);
  const touchedEntries = new Int32Array(n);
  const reachedBy = new Int32Array(n);
  let stamp = 0;

  return {
    readsAs(word) {
      if (vocabulary.has(word) || !/^[a-z]+$/.test(word)) return null;
      if (correct.isPinyin?.(word)) return 'zh';
      const fixed = correct(word, 'word');
      return fixed && CYRILLIC.test(fixed.text) ? 'ru' : null;
    },
    query(text, { context, sameMessage = false } = {}) {
      if (!sameMessage) lastCorrections = new Map();
      const all = queryTerms(text);
      // "he", "она", "他说" only say that the question is about what was said before.
      const refersBack = all.some((t) => t.role === 'followUp');
      const asked = all.filter((t) => t.role !== 'followUp');
      for (const name of namesOf.get(context ?? '') ?? []) {
        if (asked.some((t) => t.text === name)) continue;
        const weight = weightOf.get(name) ?? 0;
        asked.push({ text: name, known: true, weight, factor: options.contextFactor, entity: true });
      }
      // "Hi! When was the forum?" is a question with a greeting, not a greeting: small talk words
      // step aside when the rest of the question is about facts.
      const smallTalk = (t: QueryTerm) => t.known && !factual.has(t.text);
      const sumWeight = (list: QueryTerm[]) => list.reduce((sum, t) => sum + t.weight, 0);
      const facts = sumWeight(asked.filter((t) => t.known && factual.has(t.text)));
      // A greeting always does, however short the question after it ("привет, расскажи про форум").
      // With nothing but small talk known, the words the knowledge base does not know say what the thanks
      // or greeting is for ("thanks for the detailed explanation"), not another question: they count less.
      const talk =
        facts > sumWeight(asked.filter(smallTalk))
          ? asked.filter((t) => !smallTalk(t))
          : facts > 0
            ? asked.filter((t) => t.role !== 'greeting')
            : asked.some(smallTalk)
              ? asked.map((t) => (t.known ? t : { ...t, weight: t.weight * options.smallTalkUnknownShare }))
              : asked;
      // "List of speakers", "the forum in a nutshell": a request for an overview entry, not a topic.
      const wantsOverview =
        talk.some((t) => t.role === 'overview') && talk.some((t) => t.role !== 'overview');
      const terms = wantsOverview ? talk.filter((t) => t.role !== 'overview') : talk;
      const han = hanChars(text, options.hanSlipMinLength);
      return { terms, refersBack, wantsOverview, ...(han ? { han } : {}) };
    },

    rank({ terms, wantsOverview, han }) {
      const total = terms.reduce((sum, t) => sum + t.weight * (t.entity ? options.entityWeight : 1), 0);
      if (total === 0) return [];

      // Per doc: the weight of the query it covers (corrected typos count in part) and of itself,
      // accumulated in the typed arrays below; only what this query touched is read and reset.
      let docCount = 0;
      let entryCount = 0;
      const touch = (e: number) => {
        if (entryTouched[e] === 1) return;
        entryTouched[e] = 1;
        touchedEntries[entryCount++] = e;
      };
      for (const t of terms) {
        if (!t.known) continue;
        stamp += 1;
        const w = t.weight * (t.entity ? options.entityWeight : 1);
        const gain = w * t.factor;
        for (const d of postings.get(t.text) ?? []) {
          if (docTouched[d] === 0) {
            docTouched[d] = 1;
            touchedDocs[docCount++] = d;
          }
          matchedQuery[d] = (matchedQuery[d] as number) + gain;
          matchedDoc[d] = (matchedDoc[d] as number) + t.weight;
          if (docGap[d] === 1 && distinctive.get(d)?.has(t.text)) docAsksGap[d] = 1;
          const e = docEntry[d] as number;
          touch(e);
          // The entry's vocabulary is what its answer answers: its unanswered questions do not count.
          if (docGap[d] === 1 || reachedBy[e] === stamp) continue;
          reachedBy[e] = stamp;
          entryCover[e] = (entryCover[e] as number) + gain;
          if (t.role === 'question') entryAsksKind[e] = 1;
        }
      }

      const a = options.queryCoverageExponent;
      const queryTexts = new Set(terms.filter((t) => t.known).map((t) => t.text));
      // Whether the query asks all of unanswered question `d`, and no answered question of entry `e` asks it all.
      const asksAllTogether = (d: number, e: number) => {
        const gapTerms = docTerms[d] ?? [];
        return (
          gapTerms.length >= 2 &&
          gapTerms.every((t) => queryTexts.has(t)) &&
          !(answeredSets.get(e) ?? []).some((set) => gapTerms.every((t) => set.has(t)))
        );
      };
      for (let i = 0; i < docCount; i++) {
        const d = touchedDocs[i] as number;
        const e = docEntry[d] as number;
        const sim =
          ((matchedQuery[d] as number) / total) ** a *
          Math.min(1, (matchedDoc[d] as number) / (docWeight[d] as number)) ** (1 - a);
        if (docGap[d] === 1) {
          // "Which city is the Far Eastern library in?": each word is in some answered question (the
          // Capital Library's city is told), but no answered question asks them together.
          if (docAsksGap[d] === 0 && sim > (bestGap[e] as number) && asksAllTogether(d, e)) docAsksGap[d] = 1;
          if (docAsksGap[d] === 1 && sim > (bestGap[e] as number)) bestGap[e] = sim;
          docAsksGap[d] = 0;
        } else if (sim > (bestDoc[e] as number)) {
          secondDoc[e] = bestDoc[e] as number;
          bestDoc[e] = sim;
        } else if (sim > (secondDoc[e] as number)) {
          secondDoc[e] = sim;
        }
        matchedQuery[d] = 0;
        matchedDoc[d] = 0;
        docTouched[d] = 0;
      }

      // A known question typed with one slip matches as a corrected typo does (editFactor).
      for (const length of han ? [han.length, han.length + 1] : []) {
        for (const { doc, chars } of hanQuestions.get(length) ?? []) {
          if (!oneHanSlipApart(han as string[], chars)) continue;
          const e = docEntry[doc] as number;
          touch(e);
          if (options.editFactor > (bestDoc[e] as number)) bestDoc[e] = options.editFactor;
        }
      }

      const ranked: (Ranked & { value: number })[] = [];
      const b = options.bestQuestionWeight;
      const c = options.secondQuestionWeight;
      // Only a question word typed as it is: a corrected one may be a guess (那天 "that day" read as 哪天),
      // and one the segmenter did not see may not be one (在|哪一|年 is "in which year").
      const asksKind = terms.some((t) => t.role === 'question' && t.known && t.factor === 1 && !t.cutApart);
      for (let i = 0; i < entryCount; i++) {
        const e = touchedEntries[i] as number;
        const entry = entries[e] as Entry;
        const score =
          b * (bestDoc[e] as number) +
          c * (secondDoc[e] as number) +
          (1 - b - c) * ((entryCover[e] as number) / total) +
          (entry.kind === 'overview'
            ? options.overviewBonus + (wantsOverview ? options.overviewIntentBonus : 0)
            : 0);
        // "Where was the very first forum held?": an entry none of whose questions asks "where" (the
        // forum's history) is not where a "where" question's answer is.
        const asksAlike = !asksKind || entryAsksKind[e] === 1;
        entryAsksKind[e] = 0;
        const value = score * (asksAlike ? 1 : options.unaskedKindFactor);
        // Confidence is at most 1; past it, the uncapped value still orders (a perfect fit with more
        // fitting questions, or an overview asked for, comes first).
        ranked.push({ entry, score: Math.min(1, value), gap: bestGap[e] as number, value });
        entryCover[e] = 0;
        bestDoc[e] = 0;
        bestGap[e] = 0;
        secondDoc[e] = 0;
        entryTouched[e] = 0;
      }
      ranked.sort((x, y) => y.value - x.value);
      return ranked.map(({ value: _, ...r }) => r);
    },
  };
}
