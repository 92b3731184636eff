import Fuse from 'fuse.js';
import type { Entry } from '../knowledge/schema.js';
import { pinyinKey } from '../language/pinyin.js';
import type { Term, Tokenizer } from '../language/tokenize.js';
import type { MatcherOptions } from './options.js';

/** One entry's confidence for a query. */
export interface Ranked {
  entry: Entry;
  score: number;
}

/** A query after tokenization, with the knowledge base's view of each term. */
interface QueryTerm {
  /** The term as the index knows it (after fuzzy correction), or null when unknown. */
  known: string | null;
  weight: number;
  /** 1 for an exact term, less for a fuzzy correction. */
  factor: number;
}

interface Doc {
  entry: number;
  weight: number;
}

/** Ranks entries for a query; built once per knowledge base. */
export interface Matcher {
  rank(text: string): { ranked: Ranked[]; meaningfulTerms: number };
}

/**
 * Builds the matcher: an inverted index over every alternate question, keyword and title of every
 * language, IDF term weights, and Fuse.js over the vocabulary to forgive misspelt words.
 */
export function createMatcher(
  entries: readonly Entry[],
  tokenizer: Tokenizer,
  options: MatcherOptions,
): Matcher {
  const docs: Doc[] = [];
  const postings = new Map<string, number[]>();
  const entryTerms: Set<string>[] = entries.map(() => new Set());
  const docTerms: string[][] = [];

  entries.forEach((entry, e) => {
    for (const side of Object.values(entry.i18n)) {
      for (const text of [side.title, ...side.questions, ...side.keywords]) {
        const terms = [...new Set(tokenizer.terms(text).map((t) => t.text))];
        if (terms.length === 0) continue;
        const d = docs.length;
        docs.push({ entry: e, weight: 0 });
        docTerms.push(terms);
        for (const t of terms) {
          entryTerms[e]?.add(t);
          const list = postings.get(t);
          if (list) list.push(d);
          else postings.set(t, [d]);
        }
      }
    }
  });

  const entryFreq = new Map<string, number>();
  for (const terms of entryTerms) for (const t of terms) entryFreq.set(t, (entryFreq.get(t) ?? 0) + 1);
  const n = entries.length;
  const idf = (t: string) => Math.log(1 + n / (entryFreq.get(t) ?? 0.5));
  const unknownWeight = Math.log(1 + n / 0.5);
  const weightOf = new Map<string, number>();
  for (const t of entryFreq.keys()) weightOf.set(t, idf(t));
  docTerms.forEach((terms, d) => {
    (docs[d] as Doc).weight = terms.reduce((sum, t) => sum + (weightOf.get(t) ?? 0), 0);
  });

  // Typos are corrected before synonyms are folded, against every term the knowledge base spells:
  // those of its questions and keywords and those inside synonym phrases ("wehn" -> "when" -> ~when).
  const spelled = new Set<string>(tokenizer.phraseTerms);
  for (const entry of entries) {
    for (const side of Object.values(entry.i18n)) {
      for (const text of [side.title, ...side.questions, ...side.keywords]) {
        for (const t of tokenizer.split(text)) spelled.add(t.text);
      }
    }
  }

  // Fuse.js per script and word length, so a misspelt word is compared with words of about its size.
  const buckets = new Map<string, Fuse<string>>();
  const bucketKey = (word: string, len: number) => `${/^[a-z]/.test(word) ? 'l' : 'c'}${len}`;
  const byBucket = new Map<string, string[]>();
  for (const t of spelled) {
    if (!/^\p{L}+$/u.test(t) || /\p{Script=Han}/u.test(t) || t.length < options.fuzzyMinLength - 1) continue;
    const key = bucketKey(t, t.length);
    const list = byBucket.get(key) ?? [];
    list.push(t);
    byBucket.set(key, list);
  }
  for (const [key, words] of byBucket) {
    buckets.set(
      key,
      new Fuse(words, { includeScore: true, threshold: options.fuzzyThreshold, ignoreLocation: true }),
    );
  }

  // Chinese typos are mostly homophones: a bigram the index lacks is looked up by its pinyin.
  const byPinyin = new Map<string, string>();
  for (const t of spelled) if (/^\p{Script=Han}+$/u.test(t)) byPinyin.set(pinyinKey(t), t);

  function correct(term: Term): Term {
    if (spelled.has(term.text)) return term;
    if (term.kind === 'han') {
      const known = byPinyin.get(pinyinKey(term.text));
      return known ? { ...term, text: known, factor: options.homophoneFactor } : term;
    }
    if (term.kind !== 'word' || term.text.length < options.fuzzyMinLength) return term;
    let best: Term = term;
    for (let len = term.text.length - 2; len <= term.text.length + 2; len++) {
      const hit = buckets.get(bucketKey(term.text, len))?.search(term.text, { limit: 1 })[0];
      if (hit && hit.score !== undefined && 1 - hit.score > (best.factor ?? 0)) {
        best = { ...term, text: hit.item, factor: 1 - hit.score };
      }
    }
    return best;
  }

  function queryTerms(text: string): QueryTerm[] {
    const seen = new Set<string>();
    const out: QueryTerm[] = [];
    for (const term of tokenizer.fold(tokenizer.split(text).map(correct))) {
      if (seen.has(term.text)) continue;
      seen.add(term.text);
      const w = weightOf.get(term.text);
      if (w !== undefined) {
        out.push({ known: term.text, weight: w, factor: term.factor ?? 1 });
      } else {
        const weight = term.kind === 'han' ? unknownWeight * options.unknownHanWeight : unknownWeight;
        out.push({ known: null, weight, factor: 0 });
      }
    }
    return out;
  }

  return {
    rank(text) {
      const terms = queryTerms(text);
      const total = terms.reduce((sum, t) => sum + t.weight, 0);
      if (total === 0) return { ranked: [], meaningfulTerms: 0 };

      // Per doc: the weight of the query it covers (fuzzy hits count in part) and of itself.
      const matchedQuery = new Map<number, number>();
      const matchedDoc = new Map<number, number>();
      const entryCover = new Map<number, number>();
      for (const t of terms) {
        if (!t.known) continue;
        const reached = new Set<number>();
        for (const d of postings.get(t.known) ?? []) {
          matchedQuery.set(d, (matchedQuery.get(d) ?? 0) + t.weight * t.factor);
          matchedDoc.set(d, (matchedDoc.get(d) ?? 0) + t.weight);
          reached.add((docs[d] as Doc).entry);
        }
        for (const e of reached) entryCover.set(e, (entryCover.get(e) ?? 0) + t.weight * t.factor);
      }

      const bestDoc = new Map<number, number>();
      const a = options.queryCoverageExponent;
      for (const [d, mq] of matchedQuery) {
        const doc = docs[d] as Doc;
        const sim = (mq / total) ** a * Math.min(1, (matchedDoc.get(d) ?? 0) / doc.weight) ** (1 - a);
        if (sim > (bestDoc.get(doc.entry) ?? 0)) bestDoc.set(doc.entry, sim);
      }

      const ranked: Ranked[] = [];
      const b = options.bestQuestionWeight;
      for (const [e, cover] of entryCover) {
        const entry = entries[e] as Entry;
        const score =
          b * (bestDoc.get(e) ?? 0) +
          (1 - b) * (cover / total) +
          (entry.kind === 'overview' ? options.overviewBonus : 0);
        ranked.push({ entry, score: Math.min(1, score) });
      }
      ranked.sort((x, y) => y.score - x.score);
      return { ranked, meaningfulTerms: terms.length };
    },
  };
}
