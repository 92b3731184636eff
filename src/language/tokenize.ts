import { createRequire } from 'node:module';
import { stemmer as stemEnglish } from '@orama/stemmers/english';
import { stemmer as stemRussian } from '@orama/stemmers/russian';
import { type Lang, LEXICON_ROLES, type Lexicon, type LexiconRole } from '../knowledge/schema.js';
import { normalizeText } from './normalize.js';
import { chineseWords } from './segment.js';
import type { Corrector } from './spelling.js';

/** A matching unit: a stemmed word, a number, a Chinese bigram or a folded synonym concept. */
export interface Term {
  text: string;
  kind: 'word' | 'number' | 'han' | 'concept';
  /** How sure we are of the term: 1, or less when it comes from a guessed correction of a typo. */
  factor: number;
  /**
   * A common word of the language ("thing", "做"): when the index does not know it, it asks nothing in
   * particular, unlike an unknown specific word ("email", "地址") that an answer must cover.
   */
  generic?: boolean;
  /** What a concept does in a question besides naming a topic (see the lexicon's questionWords and overviewWords). */
  role?: LexiconRole;
  /** A concept that names a person, place, institution or event (its synonym group starts with a capital). */
  entity?: boolean;
  /**
   * A Chinese bigram that straddles two of the segmenter's words ("馆论" in "图书馆论坛"): evidence for a
   * match when the index knows it, but no evidence against one when it does not.
   */
  straddles?: boolean;
  /**
   * A Chinese member found as written where the segmenter cut the text otherwise ("在|哪一|年" holds 在哪):
   * often right (干|嘛), sometimes not (哪一年 is "which year", not "where").
   */
  cutApart?: boolean;
}

/** Prefix of concept terms, which stand for a whole synonym group. */
export const CONCEPT_PREFIX = '~';

const WORD = /\p{Script=Han}+|\p{Script=Cyrillic}+|\p{Script=Latin}+|\p{N}+/gu;
const HAN_RUN = /^\p{Script=Han}/u;
const HAS_HAN = /\p{Script=Han}/u;
const CYRILLIC_RUN = /^\p{Script=Cyrillic}/u;
const LATIN_RUN = /^\p{Script=Latin}/u;

/** Share of a long name's terms that must be there, in order, for it to match approximately. */
const APPROXIMATE_SHARE = 0.7;

/** Length of the longest common subsequence of two term lists. */
function lcs(a: readonly string[], b: readonly string[]): number {
  let prev = new Array<number>(b.length + 1).fill(0);
  for (const x of a) {
    const row = [0];
    b.forEach((y, j) => {
      row.push(x === y ? (prev[j] as number) + 1 : Math.max(prev[j + 1] as number, row[j] as number));
    });
    prev = row;
  }
  return prev[b.length] as number;
}

// General-purpose stopword lists (stopwords-iso): far broader than the lexicon's, and they include words
// that matter here ("where", "first"), so they never drop a word; they only mark words as generic.
const iso = createRequire(import.meta.url)('stopwords-iso') as Record<Lang, string[]>;
const GENERIC = {
  zh: new Set(iso.zh),
  ru: new Set(iso.ru.map((w) => w.replace(/ё/g, 'е'))),
  en: new Set(iso.en),
};

/** The common words of a language (stopwords-iso's broad lists), normalised. */
export const commonWords = (lang: Lang): ReadonlySet<string> => GENERIC[lang];

/** Turns text into matching terms: normalise, split by script, correct, drop stopwords, stem, fold synonyms. */
export interface Tokenizer {
  terms(text: string, correct?: Corrector): Term[];
  /** The pieces a corrector may be asked about (surface words and Chinese bigrams), for building its vocabulary. */
  pieces(text: string): { piece: string; kind: 'word' | 'han'; straddles?: boolean }[];
  /** Stopword test on a normalised surface word (used by language detection). */
  isStopword(word: string, lang: Lang): boolean;
  /** Whether a normalised surface word is a stopword of any language. */
  isAnyStopword(word: string): boolean;
  /** Every synonym phrase as written in the lexicon (part of the known vocabulary). */
  readonly phrases: readonly string[];
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

  // What each synonym group stands for: one concept, a name or not, and its role in a question.
  const roles = new Map<string, LexiconRole>(
    Object.entries(LEXICON_ROLES).flatMap(([field, role]) =>
      lexicon[field as keyof typeof LEXICON_ROLES].map((head) => [head, role] as const),
    ),
  );
  const groups = lexicon.synonyms.map((group) => ({
    members: group,
    term: {
      text: `${CONCEPT_PREFIX}${group[0]?.trim().toLowerCase().replace(/\s+/g, '_')}`,
      kind: 'concept',
      factor: 1,
      // Names are written capitalised in the lexicon ("Capital Library"), common words are not ("library").
      entity: /^\p{Lu}/u.test(group[0]?.trim() ?? ''),
      role: roles.get(group[0] ?? ''),
    } satisfies Term,
  }));

  // Chinese members of two or more characters are also looked for in the text as they are, longest
  // first: the segmenter may cut a word differently inside a sentence ("干|嘛" in 办来干嘛的) than on its
  // own, and the bigrams then miss it.
  const hanMembers = new Map<string, { text: string; term: Term }[]>();
  for (const { members, term } of groups) {
    for (const member of members) {
      const text = normalizeText(member).trim();
      if (!/^\p{Script=Han}{2,}$/u.test(text) || stop.zh.has(text)) continue;
      const list = hanMembers.get(text[0] as string) ?? [];
      list.push({ text, term });
      hanMembers.set(text[0] as string, list);
    }
  }
  for (const list of hanMembers.values()) list.sort((a, b) => b.text.length - a.text.length);

  function alphabetic(word: string, factor: number, out: Term[]): void {
    const lang = CYRILLIC_RUN.test(word) ? 'ru' : 'en';
    if (stop[lang].has(word)) return;
    const stem = lang === 'ru' ? stemRussian(word) : stemEnglish(word);
    if (!stopStems[lang].has(stem))
      out.push({ text: stem, kind: 'word', factor, generic: GENERIC[lang].has(word) });
  }

  function han(run: string, factor: number, out: Term[], correct?: Corrector): void {
    for (const { piece, straddles, generic } of hanPieces(run, stop.zh)) {
      const fixed = correct?.(piece, 'han');
      out.push({
        text: fixed?.text ?? piece,
        kind: 'han',
        factor: (fixed?.factor ?? 1) * factor,
        straddles,
        generic,
      });
    }
  }

  /**
   * Chinese typed as pinyin: from `i`, the longest run of Latin words the knowledge base does not know
   * that read as pinyin, as Chinese text; null when there is none.
   */
  function pinyinRun(words: readonly string[], i: number, correct?: Corrector) {
    if (!correct?.isPinyin || !correct.pinyin) return null;
    let end = i;
    while (
      end < words.length &&
      LATIN_RUN.test(words[end] as string) &&
      correct.isPinyin(words[end] as string)
    )
      end += 1;
    const hanText = end > i ? correct.pinyin(words.slice(i, end)) : null;
    return hanText ? { ...hanText, end } : null;
  }

  /** The terms of a text already normalised (normalizeText). */
  function split(normalized: string, correct?: Corrector): Term[] {
    const out: Term[] = [];
    const words = Array.from(normalized.matchAll(WORD), ([word]) => word);
    for (let i = 0; i < words.length; i++) {
      const word = words[i] as string;
      const pinyin = pinyinRun(words, i, correct);
      if (pinyin) {
        han(pinyin.text, pinyin.factor, out, correct);
        i = pinyin.end - 1;
      } else if (HAN_RUN.test(word)) {
        han(word, 1, out, correct);
      } else if (CYRILLIC_RUN.test(word) || LATIN_RUN.test(word)) {
        // A stopword is a known word, never a typo of a content word ("them" is not "theme").
        if (stop[CYRILLIC_RUN.test(word) ? 'ru' : 'en'].has(word)) continue;
        const fixed = correct?.(word, 'word');
        alphabetic(fixed?.text ?? word, fixed?.factor ?? 1, out);
      } else {
        out.push({ text: String(Number.parseInt(word, 10)), kind: 'number', factor: 1 });
      }
    }
    return out;
  }

  // Each synonym group becomes one concept; phrases are matched on term sequences, longest first.
  const phrases: { seq: string[]; concept: string; entity: boolean; role?: Term['role'] }[] = [];
  // Members made only of stopwords ("tell me about", "для чего", "怎么回事") would vanish with them: they
  // are found in the normalised text instead, as whole words, and add their group's concept.
  const stopPhrases = new Map<string, Term>();
  // Members with a gap ("what … for") match their words in order, a few words apart, at the end of a
  // sentence: "What is the forum for?" asks for a purpose, "what did they sign for the libraries" does not.
  const gapPhrases: { pattern: RegExp; term: Term }[] = [];
  for (const { members, term } of groups) {
    const { text: concept, entity, role } = term;
    for (const member of members) {
      if (GAP.test(member)) {
        gapPhrases.push({ pattern: gapPattern(member), term });
        continue;
      }
      const terms = split(normalizeText(member));
      const seq = terms.map((t) => t.text);
      const words = normalizeText(member).trim().split(/\s+/);
      // "in place of" is not "place": a phrase left with one common word by its stopwords is matched
      // as the whole phrase, like one made only of stopwords.
      const oneCommonWord = words.length > 1 && terms.length === 1 && terms[0]?.generic === true;
      if (seq.length > 0 && !oneCommonWord) phrases.push({ seq, concept, entity, role });
      else stopPhrases.set(words.join(' '), term);
    }
  }
  phrases.sort((a, b) => b.seq.length - a.seq.length);
  const stopPattern = stopPhrasePattern([...stopPhrases.keys()]);
  const byFirst = new Map<string, typeof phrases>();
  for (const p of phrases) {
    const first = p.seq[0] as string;
    const list = byFirst.get(first) ?? [];
    list.push(p);
    byFirst.set(first, list);
  }

  // Long names are often written with a word changed or left out ("远东国立科学图书馆" for
  // 远东国家科学图书馆, "Far Eastern Scientific Library"): phrases of three or more terms also match
  // approximately, by the longest common subsequence, and count in proportion.
  const byAnyTerm = new Map<string, typeof phrases>();
  for (const p of phrases) {
    if (p.seq.length < 3) continue;
    for (const t of new Set(p.seq.slice(0, 2))) {
      const list = byAnyTerm.get(t) ?? [];
      list.push(p);
      byAnyTerm.set(t, list);
    }
  }

  function approximate(
    terms: Term[],
    i: number,
  ): { phrase: (typeof phrases)[number]; length: number; share: number } | null {
    let best: { phrase: (typeof phrases)[number]; length: number; share: number } | null = null;
    for (const phrase of byAnyTerm.get((terms[i] as Term).text) ?? []) {
      const need = Math.ceil(phrase.seq.length * APPROXIMATE_SHARE);
      // Cheap test first: enough of the phrase's terms must be there at all.
      const ahead = terms.slice(i, i + phrase.seq.length + 1);
      if (ahead.filter((t) => phrase.seq.includes(t.text)).length < need) continue;
      for (let length = Math.min(phrase.seq.length + 1, terms.length - i); length >= need; length--) {
        const window = terms.slice(i, i + length).map((t) => t.text);
        if (!phrase.seq.includes(window[length - 1] as string)) continue;
        const common = lcs(window, phrase.seq);
        if (common < need || common < length * APPROXIMATE_SHARE) continue;
        const share = common / phrase.seq.length;
        if (!best || share > best.share || (share === best.share && length < best.length))
          best = { phrase, length, share };
      }
    }
    return best;
  }

  function fold(terms: Term[]): Term[] {
    const out: Term[] = [];
    for (let i = 0; i < terms.length; ) {
      const candidates = byFirst.get((terms[i] as Term).text);
      const exact = candidates?.find((p) => p.seq.every((s, k) => terms[i + k]?.text === s));
      const near = approximate(terms, i);
      // A longer name written approximately beats a shorter one inside it ("远东" in 远东国立科学图书馆).
      const hit =
        exact && (!near || near.length <= exact.seq.length)
          ? { phrase: exact, length: exact.seq.length, share: 1 }
          : near;
      if (hit) {
        const { phrase, length, share } = hit;
        const factor = Math.min(...terms.slice(i, i + length).map((t) => t.factor)) * share;
        out.push({ text: phrase.concept, kind: 'concept', factor, entity: phrase.entity, role: phrase.role });
        i += length;
      } else {
        out.push(terms[i] as Term);
        i += 1;
      }
    }
    return out;
  }

  /** The pieces of a text already normalised (normalizeText). */
  function pieces(normalized: string): { piece: string; kind: 'word' | 'han'; straddles?: boolean }[] {
    const out: { piece: string; kind: 'word' | 'han'; straddles?: boolean }[] = [];
    for (const [word] of normalized.matchAll(WORD)) {
      if (HAN_RUN.test(word))
        for (const { piece, straddles } of hanPieces(word, stop.zh))
          out.push({ piece, kind: 'han', straddles });
      else if (CYRILLIC_RUN.test(word) || LATIN_RUN.test(word)) out.push({ piece: word, kind: 'word' });
    }
    return out;
  }

  return {
    terms(text, correct) {
      const normalized = normalizeText(text);
      const terms = fold(split(normalized, correct));
      const have = new Set(terms.map((t) => t.text));
      const add = (term: Term) => {
        if (have.has(term.text)) return;
        have.add(term.text);
        terms.push({ ...term });
      };
      for (const { pattern, term } of gapPhrases) if (pattern.test(normalized)) add(term);
      if (stopPattern) {
        for (const [found] of normalized.matchAll(stopPattern)) {
          const term = stopPhrases.get(found.split(/\s+/).join(' '));
          if (term) add(term);
        }
      }
      // Only where the bigrams could not have found the member: some bigram of it is not in the text's.
      let bigrams: Set<string> | undefined;
      for (let i = HAS_HAN.test(normalized) ? 0 : normalized.length; i < normalized.length; ) {
        const hit = hanMembers.get(normalized[i] as string)?.find((m) => normalized.startsWith(m.text, i));
        if (hit) {
          bigrams ??= new Set(pieces(normalized).map((p) => p.piece));
          const seen = bigrams;
          if ([...hit.text].slice(1).some((c, k) => !seen.has(`${hit.text[k]}${c}`)))
            add({ ...hit.term, cutApart: true });
        }
        i += hit ? hit.text.length : 1;
      }
      return terms;
    },
    pieces: (text) => pieces(normalizeText(text)),
    isStopword: (word, lang) => stop[lang].has(word),
    isAnyStopword: (word) => stop.en.has(word) || stop.ru.has(word) || stop.zh.has(word),
    phrases: lexicon.synonyms.flat(),
  };
}

/** The gap in a lexicon member ("what … for"), as written or after normalisation ("..."). */
const GAP = /\s*(?:…|\.\.\.)\s*/u;
/** Most words a gap stands for. */
const GAP_WORDS = 6;

/** A gap member as a pattern on normalised text: its parts in order, 1 to GAP_WORDS words apart, then the end of a sentence or clause. */
function gapPattern(member: string): RegExp {
  const parts = member
    .split(GAP)
    .map((part) => normalizeText(part).trim().split(/\s+/).map(escapeRegExp).join('\\s+'));
  // A contraction may cling to the word before the gap ("what's the forum for").
  const gap = `(?:['’]\\p{L}+)?(?:\\s+[\\p{L}\\p{N}'’-]+){1,${GAP_WORDS}}?\\s+`;
  return new RegExp(`(?<![\\p{L}\\p{N}])${parts.join(gap)}(?=\\s*(?:[?!.,]|$))`, 'u');
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * One pattern finding any of the phrases (normalised, words separated by one space) in normalised text:
 * Chinese anywhere, other words whole; the longest phrase wins where several start at one place.
 */
function stopPhrasePattern(phrases: readonly string[]): RegExp | undefined {
  if (phrases.length === 0) return undefined;
  const sorted = [...phrases].sort((a, b) => b.length - a.length);
  const body = (phrase: string) => phrase.split(' ').map(escapeRegExp).join('\\s+');
  // Words whole: one check of the word boundary for all of them (one per phrase made start-up slow).
  const words = sorted.filter((phrase) => !HAN_RUN.test(phrase)).map(body);
  const han = sorted.filter((phrase) => HAN_RUN.test(phrase)).map(body);
  const groups = [
    ...(words.length > 0 ? [`(?<![\\p{L}\\p{N}])(?:${words.join('|')})(?![\\p{L}\\p{N}])`] : []),
    ...han,
  ];
  return new RegExp(groups.join('|'), 'gu');
}

/**
 * Chinese: the segmenter's words, minus stopwords, regrouped into runs that are indexed as character
 * bigrams (robust to segmentation differences and one wrong character); a lone character stays a
 * unigram. Each bigram says whether it straddles a boundary between two of the segmenter's words, and
 * whether both its characters come from generic words.
 */
type HanPiece = { piece: string; straddles: boolean; generic: boolean };
// Segmenting is the costly part of indexing and the same runs recur (every question says 论坛):
// remember recent runs, per stopword set, in a bounded cache.
const hanCache = new WeakMap<ReadonlySet<string>, Map<string, HanPiece[]>>();
const HAN_CACHE_SIZE = 20_000;
// Longer runs (the sentences of an answer) rarely recur and would fill the cache with their pieces.
const HAN_CACHE_MAX_RUN = 40;

function hanPieces(run: string, stop: ReadonlySet<string>): HanPiece[] {
  let cache = hanCache.get(stop);
  if (!cache) {
    cache = new Map();
    hanCache.set(stop, cache);
  }
  const cached = cache.get(run);
  if (cached) return cached;
  const pieces = segmentHan(run, stop);
  if (run.length > HAN_CACHE_MAX_RUN) return pieces;
  if (cache.size >= HAN_CACHE_SIZE) cache.clear();
  cache.set(run, pieces);
  return pieces;
}

function segmentHan(run: string, stop: ReadonlySet<string>): HanPiece[] {
  const out: HanPiece[] = [];
  let chars: string[] = [];
  let generic: boolean[] = [];
  // Index (in chars) where each word of the current group starts.
  let starts = new Set<number>();
  const flush = () => {
    if (chars.length === 1)
      out.push({ piece: chars[0] as string, straddles: false, generic: generic[0] === true });
    for (let i = 0; i + 1 < chars.length; i++) {
      out.push({
        piece: `${chars[i]}${chars[i + 1]}`,
        straddles: starts.has(i + 1),
        generic: generic[i] === true && generic[i + 1] === true,
      });
    }
    chars = [];
    generic = [];
    starts = new Set();
  };
  for (const segment of chineseWords(run)) {
    if (stop.has(segment)) {
      flush();
      continue;
    }
    if (chars.length > 0) starts.add(chars.length);
    const segmentChars = [...segment];
    chars.push(...segmentChars);
    // Common too when made of common words ("你的", "她的" are not in the list, 你, 她 and 的 are).
    const common = GENERIC.zh.has(segment) || segmentChars.every((c) => GENERIC.zh.has(c));
    generic.push(...segmentChars.map(() => common));
  }
  flush();
  return out;
}
