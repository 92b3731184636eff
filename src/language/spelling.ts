import Fuse from 'fuse.js';
import { pinyinKey } from './pinyin.js';
import type { Corrector } from './tokenize.js';

/** How typos are forgiven. */
export interface SpellingOptions {
  /** Fuse.js threshold for retrieving candidate corrections (0 exact .. 1 anything). */
  fuzzyThreshold: number;
  /** How many of Fuse.js's best candidates of each length the edit distance looks at. */
  fuzzyCandidates: number;
  /** Words shorter than this are never corrected (too many neighbours). */
  fuzzyMinLength: number;
  /** Words of at least this length may be two edits away from a known word; shorter ones one. */
  twoEditsMinLength: number;
  /** How much a word one edit away counts; two edits count this squared. */
  editFactor: number;
  /** How much a Chinese bigram matched only by its pinyin (a homophone typo) counts. */
  homophoneFactor: number;
}

/**
 * Optimal string alignment distance: insertions, deletions, substitutions and swaps of two
 * neighbouring letters each cost one edit (the typos people make).
 */
export function editDistance(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  const d: number[][] = Array.from({ length: x.length + 1 }, (_, i) => [
    i,
    ...Array<number>(y.length).fill(0),
  ]);
  for (let j = 0; j <= y.length; j++) (d[0] as number[])[j] = j;
  for (let i = 1; i <= x.length; i++) {
    const row = d[i] as number[];
    const prev = d[i - 1] as number[];
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      row[j] = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        row[j] = Math.min(row[j] as number, ((d[i - 2] as number[])[j - 2] as number) + 1);
      }
    }
  }
  return (d[x.length] as number[])[y.length] as number;
}

/**
 * A corrector over a known vocabulary (word -> how often the knowledge base uses it): a misspelt word
 * becomes the closest known word of about its length (Fuse.js finds candidates, the edit distance
 * decides; among equally close words a content word beats a stopword, then the more frequent word
 * wins), and a Chinese bigram the vocabulary lacks becomes a known bigram with the same pinyin.
 */
export function createCorrector(
  vocabulary: ReadonlyMap<string, number>,
  options: SpellingOptions,
  isStopword: (word: string) => boolean = () => false,
  /** Chinese bigrams a homophone may be corrected to (default: every Chinese word of the vocabulary). */
  homophoneTargets?: ReadonlySet<string>,
): Corrector {
  const byLength = new Map<string, string[]>();
  const byPinyin = new Map<string, string>();
  const key = (word: string, len: number) => `${/^\p{Script=Cyrillic}/u.test(word) ? 'c' : 'l'}${len}`;
  for (const word of vocabulary.keys()) {
    if (/^\p{Script=Han}+$/u.test(word)) {
      if (homophoneTargets && !homophoneTargets.has(word)) continue;
      const pinyin = pinyinKey(word);
      const current = byPinyin.get(pinyin);
      if (!current || (vocabulary.get(word) ?? 0) > (vocabulary.get(current) ?? 0))
        byPinyin.set(pinyin, word);
    } else if (/^\p{L}+$/u.test(word)) {
      const list = byLength.get(key(word, [...word].length)) ?? [];
      list.push(word);
      byLength.set(key(word, [...word].length), list);
    }
  }
  const fuses = new Map<string, Fuse<string>>();
  for (const [k, words] of byLength) {
    fuses.set(
      k,
      new Fuse(words, { includeScore: true, threshold: options.fuzzyThreshold, ignoreLocation: true }),
    );
  }
  // Lower is better: fewer edits, then a content word, then a more frequent word, then Fuse's own score.
  const rank = (word: string, edits: number, score: number) => [
    edits,
    isStopword(word) ? 1 : 0,
    -(vocabulary.get(word) ?? 0),
    score,
  ];
  const better = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
    return false;
  };

  return (piece, kind) => {
    if (vocabulary.has(piece)) return null;
    if (kind === 'han') {
      const hit = byPinyin.get(pinyinKey(piece));
      return hit ? { text: hit, factor: options.homophoneFactor } : null;
    }
    const length = [...piece].length;
    if (length < options.fuzzyMinLength) return null;
    const maxEdits = length >= options.twoEditsMinLength ? 2 : 1;
    let best: { text: string; edits: number; rank: number[] } | null = null;
    for (let len = length - maxEdits; len <= length + maxEdits; len++) {
      for (const hit of fuses.get(key(piece, len))?.search(piece, { limit: options.fuzzyCandidates }) ?? []) {
        const edits = editDistance(piece, hit.item);
        if (edits > maxEdits) continue;
        const r = rank(hit.item, edits, hit.score ?? 1);
        if (!best || better(r, best.rank)) best = { text: hit.item, edits, rank: r };
      }
    }
    return best ? { text: best.text, factor: options.editFactor ** best.edits } : null;
  };
}
