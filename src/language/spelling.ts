import Fuse from 'fuse.js';
import { pinyinKey } from './pinyin.js';
import type { Corrector } from './tokenize.js';

/** How typos are forgiven. */
export interface SpellingOptions {
  /** Fuse.js threshold for retrieving candidate corrections (0 exact .. 1 anything). */
  fuzzyThreshold: number;
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
  // Each bucket's words as code points, for an edit distance that gives up beyond maxEdits: every
  // word within reach is found (no index to build), and Fuse.js only scores those few.
  const buckets = new Map<string, { word: string; cps: number[] }[]>();
  for (const [k, words] of byLength) {
    buckets.set(
      k,
      words.map((word) => ({ word, cps: [...word].map((c) => c.codePointAt(0) as number) })),
    );
  }
  const fuseOptions = { includeScore: true, threshold: options.fuzzyThreshold, ignoreLocation: true };
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
    const cps = [...piece].map((c) => c.codePointAt(0) as number);
    const near = new Map<string, number>();
    for (let len = length - maxEdits; len <= length + maxEdits; len++) {
      for (const w of buckets.get(key(piece, len)) ?? []) {
        const edits = boundedEditDistance(cps, w.cps, maxEdits);
        if (edits <= maxEdits) near.set(w.word, edits);
      }
    }
    if (near.size === 0) return null;
    // Fuse.js as before for what it adds: its threshold, and its score as the last tie-break.
    for (const hit of new Fuse([...near.keys()], fuseOptions).search(piece)) {
      const r = rank(hit.item, near.get(hit.item) as number, hit.score ?? 1);
      if (!best || better(r, best.rank))
        best = { text: hit.item, edits: near.get(hit.item) as number, rank: r };
    }
    return best ? { text: best.text, factor: options.editFactor ** best.edits } : null;
  };
}

/**
 * Optimal string alignment distance of two code-point arrays (insertions, deletions, substitutions and
 * swaps of two neighbouring letters each cost one edit: the typos people make), or max + 1 once it must
 * exceed max.
 */
export function boundedEditDistance(x: readonly number[], y: readonly number[], max: number): number {
  if (Math.abs(x.length - y.length) > max) return max + 1;
  let prev2 = new Array<number>(y.length + 1).fill(0);
  let prev = Array.from({ length: y.length + 1 }, (_, j) => j);
  let row = new Array<number>(y.length + 1).fill(0);
  let prevMin = 0;
  for (let i = 1; i <= x.length; i++) {
    row[0] = i;
    let rowMin = i;
    for (let j = 1; j <= y.length; j++) {
      const cost = x[i - 1] === y[j - 1] ? 0 : 1;
      let v = Math.min((prev[j] as number) + 1, (row[j - 1] as number) + 1, (prev[j - 1] as number) + cost);
      if (i > 1 && j > 1 && x[i - 1] === y[j - 2] && x[i - 2] === y[j - 1]) {
        v = Math.min(v, (prev2[j - 2] as number) + 1);
      }
      row[j] = v;
      if (v < rowMin) rowMin = v;
    }
    // Every later cell comes from this row or (by a swap) the one before: both past max, all are.
    if (rowMin > max && prevMin > max) return max + 1;
    prevMin = rowMin;
    [prev2, prev, row] = [prev, row, prev2];
  }
  return Math.min(prev[y.length] as number, max + 1);
}
