import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemRussian } from '@orama/stemmers/russian';
import type { Lang, Lexicon } from '../knowledge/schema.js';
import { normalizeText } from './normalize.js';

/** A matching unit: a stemmed word, a number, a Chinese bigram or a folded synonym concept. */
export interface Term {
  text: string;
  /** Where the term came from; fuzzy matching only applies to alphabetic words. */
  kind: 'word' | 'number' | 'han' | 'concept';
  /** How sure we are of the term: 1, or less when it is a guessed correction of a typo. */
  factor?: number;
}

/** Prefix of concept terms, which stand for a whole synonym group. */
export const CONCEPT_PREFIX = '~';

const WORD = /\p{Script=Han}+|\p{Script=Cyrillic}+|\p{Script=Latin}+|\p{N}+/gu;
const HAN_RUN = /^\p{Script=Han}/u;
const CYRILLIC_RUN = /^\p{Script=Cyrillic}/u;
const LATIN_RUN = /^\p{Script=Latin}/u;

const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** Turns text into matching terms: normalise, split by script, drop stopwords, stem, fold synonyms. */
export interface Tokenizer {
  terms(text: string): Term[];
  /** The terms before synonym folding (where typo correction happens). */
  split(text: string): Term[];
  /** Folds synonym phrases into concept terms; a concept is as sure as its least sure part. */
  fold(terms: Term[]): Term[];
  /** Every term that occurs in a synonym phrase (part of the known vocabulary). */
  readonly phraseTerms: ReadonlySet<string>;
  /** Stopword test on a normalised surface word (used by language detection). */
  isStopword(word: string, lang: Lang): boolean;
}

/** Builds the tokenizer for a lexicon (stopwords and synonym groups). */
export function createTokenizer(lexicon: Lexicon): Tokenizer {
  const stop = {
    zh: new Set(lexicon.stopwords.zh.map(normalizeText)),
    ru: new Set(lexicon.stopwords.ru.map(normalizeText)),
    en: new Set(lexicon.stopwords.en.map(normalizeText)),
  };
  const stopStems = {
    ru: new Set([...stop.ru].map(stemRussian)),
    en: new Set([...stop.en].map(stemEnglish)),
  };

  function base(text: string): Term[] {
    const out: Term[] = [];
    for (const match of normalizeText(text).matchAll(WORD)) {
      const word = match[0];
      if (HAN_RUN.test(word)) {
        hanTerms(word, stop.zh, out);
      } else if (CYRILLIC_RUN.test(word)) {
        if (stop.ru.has(word)) continue;
        const stem = stemRussian(word);
        if (!stopStems.ru.has(stem)) out.push({ text: stem, kind: 'word' });
      } else if (LATIN_RUN.test(word)) {
        if (stop.en.has(word)) continue;
        const stem = stemEnglish(word);
        if (!stopStems.en.has(stem)) out.push({ text: stem, kind: 'word' });
      } else {
        out.push({ text: String(Number.parseInt(word, 10)), kind: 'number' });
      }
    }
    return out;
  }

  // Each synonym group becomes one concept; phrases are matched on term sequences, longest first.
  const phrases: { seq: string[]; concept: string }[] = [];
  lexicon.synonyms.forEach((group) => {
    const concept = `${CONCEPT_PREFIX}${group[0]?.trim().toLowerCase().replace(/\s+/g, '_')}`;
    for (const member of group) {
      const seq = base(member).map((t) => t.text);
      if (seq.length > 0) phrases.push({ seq, concept });
    }
  });
  phrases.sort((a, b) => b.seq.length - a.seq.length);
  const byFirst = new Map<string, typeof phrases>();
  for (const p of phrases) {
    const first = p.seq[0] as string;
    const list = byFirst.get(first) ?? [];
    list.push(p);
    byFirst.set(first, list);
  }

  function fold(terms: Term[]): Term[] {
    const out: Term[] = [];
    for (let i = 0; i < terms.length; ) {
      const candidates = byFirst.get((terms[i] as Term).text);
      const hit = candidates?.find((p) => p.seq.every((s, k) => terms[i + k]?.text === s));
      if (hit) {
        const parts = terms.slice(i, i + hit.seq.length);
        out.push({
          text: hit.concept,
          kind: 'concept',
          factor: Math.min(...parts.map((t) => t.factor ?? 1)),
        });
        i += hit.seq.length;
      } else {
        out.push(terms[i] as Term);
        i += 1;
      }
    }
    return out;
  }

  return {
    terms: (text) => fold(base(text)),
    split: base,
    fold,
    phraseTerms: new Set(phrases.flatMap((p) => p.seq)),
    isStopword: (word, lang) => stop[lang].has(word),
  };
}

/**
 * Chinese: the segmenter's words, minus stopwords, regrouped into runs that are indexed as character
 * bigrams (robust to segmentation differences and one wrong character); a lone character stays a unigram.
 */
function hanTerms(run: string, stop: ReadonlySet<string>, out: Term[]): void {
  let group = '';
  const flush = () => {
    const chars = [...group];
    if (chars.length === 1) out.push({ text: group, kind: 'han' });
    for (let i = 0; i + 1 < chars.length; i++) out.push({ text: `${chars[i]}${chars[i + 1]}`, kind: 'han' });
    group = '';
  };
  for (const { segment } of segmenter.segment(run)) {
    if (stop.has(segment)) flush();
    else group += segment;
  }
  flush();
}
