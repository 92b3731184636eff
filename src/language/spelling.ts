import Fuse from 'fuse.js';
import { pinyinKeys, readings } from './pinyin.js';
import { chineseWords } from './segment.js';
import { latinToCyrillic } from './translit.js';

/** How typos are forgiven. */
export interface SpellingOptions {
  /** Fuse.js threshold for retrieving candidate corrections (0 exact .. 1 anything). */
  fuzzyThreshold: number;
  /** Words shorter than this are never corrected (too many neighbours). */
  fuzzyMinLength: number;
  /**
   * Words shorter than this are corrected only by a close typo: two letters swapped, a neighbouring key,
   * a doubled letter missed or repeated ("yuo", "гда", "helo"); longer ones by any edit.
   */
  anyTypoMinLength: number;
  /** Words of at least this length may be two edits away from a known word; shorter ones one. */
  twoEditsMinLength: number;
  /** How much a word one edit away counts; two edits count this squared (close typos count less). */
  editFactor: number;
  /** How much a Chinese bigram matched only by its pinyin (a homophone typo) counts. */
  homophoneFactor: number;
  /** Reading a Latin word as romanised Russian ("kultury") costs this share of an edit. */
  transliterationCost: number;
}

/**
 * Edit costs in quarters of an edit, so that distances stay integers. People mostly hit a neighbouring
 * key, swap two letters or miss a doubled one; those cost less than an arbitrary letter changed.
 */
const UNIT = 4;
const CLOSE = 3;
const DOUBLED = 2;
/** What a correction into a stopword pays on top of its edits, when candidates are compared. */
const STOPWORD_COST = 0.5;

// Keyboard rows (QWERTY and ЙЦУКЕН). A key touches its row neighbours and, as each row is shifted right
// by about half a key, the keys at the same and the next index of the row above.
const KEYBOARD_ROWS = [
  ['qwertyuiop', 'asdfghjkl', 'zxcvbnm'],
  ['йцукенгшщзхъ', 'фывапролджэ', 'ячсмитьбю'],
];
const cp = (c: string) => c.codePointAt(0) as number;
/** Pairs of touching keys, both ways round, as one number per pair. */
const NEIGHBOUR_CODES = new Set<number>();
for (const rows of KEYBOARD_ROWS) {
  rows.forEach((row, r) => {
    const above = rows[r - 1];
    [...row].forEach((key, i) => {
      for (const other of [row[i - 1], row[i + 1], above?.[i], above?.[i + 1]]) {
        if (!other) continue;
        NEIGHBOUR_CODES.add(cp(key) * 0x110000 + cp(other));
        NEIGHBOUR_CODES.add(cp(other) * 0x110000 + cp(key));
      }
    });
  });
}
const neighbours = (a: number, b: number) => NEIGHBOUR_CODES.has(a * 0x110000 + b);

/** Longest pinyin syllable ("zhuang"). */
const MAX_SYLLABLE = 6;
/** Longer runs of Latin letters are not read as pinyin (no one types a paragraph of it). */
const MAX_PINYIN_LETTERS = 60;

/**
 * Corrects a piece of the question the knowledge base does not spell (see tokenize.ts), and optionally
 * reads a run of Latin words as toneless pinyin ("zhong e tushuguan luntan" -> 中俄图书馆论坛).
 */
export interface Corrector {
  (piece: string, kind: 'word' | 'han'): { text: string; factor: number } | null;
  /** Whether a Latin word is unknown to the knowledge base and reads as pinyin syllables. */
  isPinyin?(word: string): boolean;
  /** Chinese characters for a run of such words, when they make at least one known Chinese word. */
  pinyin?(words: readonly string[]): { text: string; factor: number } | null;
}

/**
 * A corrector over a known vocabulary (word -> how often the knowledge base uses it): a misspelt word
 * becomes the closest known word of about its length (the keyboard-aware edit distance decides, Fuse.js
 * scores the few candidates; among equally close words a content word beats a stopword, then the more
 * frequent word wins); a Latin word that matches nothing may be romanised Russian ("Rossii"); a Chinese
 * bigram the vocabulary lacks becomes a known bigram with the same pinyin; and Latin words that spell
 * pinyin become the Chinese words they sound like.
 */
export function createCorrector(
  vocabulary: ReadonlyMap<string, number>,
  options: SpellingOptions,
  isStopword: (word: string) => boolean = () => false,
  /** Chinese bigrams a homophone may be corrected to (default: every Chinese word of the vocabulary). */
  homophoneTargets?: ReadonlySet<string>,
): Corrector {
  const key = (word: string, len: number) => `${/^\p{Script=Cyrillic}/u.test(word) ? 'c' : 'l'}${len}`;
  // The indexes are built when first needed, not with the engine: a question spelt right needs neither,
  // and building them is a good part of a cold start.
  let han:
    | {
        byPinyin: Map<string, string>;
        /** Each syllable's characters in the knowledge base, with how often they occur. */
        bySyllable: Map<string, Map<string, number>>;
        knownHan: Set<string>;
      }
    | undefined;
  const hanIndex = () => {
    if (han) return han;
    han = { byPinyin: new Map(), bySyllable: new Map(), knownHan: new Set() };
    const { byPinyin, bySyllable, knownHan } = han;
    for (const [word, count] of vocabulary) {
      if (!/^\p{Script=Han}+$/u.test(word)) continue;
      if (homophoneTargets && !homophoneTargets.has(word)) continue;
      knownHan.add(word);
      for (const pinyin of pinyinKeys(word)) {
        const current = byPinyin.get(pinyin);
        if (!current || count > (vocabulary.get(current) ?? 0)) byPinyin.set(pinyin, word);
      }
      for (const char of word) {
        for (const syllable of readings(char)) {
          const chars = bySyllable.get(syllable) ?? new Map<string, number>();
          chars.set(char, (chars.get(char) ?? 0) + count);
          bySyllable.set(syllable, chars);
        }
      }
    }
    return han;
  };
  // Each bucket's words (by script and length) as code points, for an edit distance that gives up beyond
  // the budget: every word within reach is found (no index to build), and Fuse.js only scores those few.
  let buckets: Map<string, { word: string; spelt: Spelt }[]> | undefined;
  const wordBuckets = () => {
    if (buckets) return buckets;
    buckets = new Map();
    for (const word of vocabulary.keys()) {
      if (/^\p{Script=Han}+$/u.test(word) || !/^\p{L}+$/u.test(word)) continue;
      const k = key(word, [...word].length);
      const list = buckets.get(k) ?? [];
      list.push({ word, spelt: spell(word) });
      buckets.set(k, list);
    }
    return buckets;
  };
  const fuseOptions = { includeScore: true, threshold: options.fuzzyThreshold, ignoreLocation: true };
  // Lower is better: a cheaper edit, then a content word, then a more frequent word, then Fuse's own score.
  // A stopword also pays half an edit: a typo is rarely of a word that carries no meaning ("theem" is
  // "theme" with two letters swapped more likely than "them" with one doubled).
  const rank = (word: string, cost: number, score: number) => [
    cost + (isStopword(word) ? STOPWORD_COST : 0),
    isStopword(word) ? 1 : 0,
    -(vocabulary.get(word) ?? 0),
    score,
  ];
  const better = (a: number[], b: number[]) => {
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return (a[i] as number) < (b[i] as number);
    return false;
  };

  /** The closest known word within the budget for a word of this length, with its cost in edits. */
  function closest(piece: string, limit = Infinity): { text: string; cost: number; rank: number[] } | null {
    const length = [...piece].length;
    if (length < options.fuzzyMinLength) return null;
    const budget = Math.min(
      Math.floor(limit * UNIT),
      length < options.anyTypoMinLength ? CLOSE : length >= options.twoEditsMinLength ? 2 * UNIT : UNIT,
    );
    if (budget <= 0) return null;
    const reach = Math.ceil(budget / UNIT);
    const spelt = spell(piece);
    const near = new Map<string, number>();
    for (let len = length - reach; len <= length + reach; len++) {
      for (const w of wordBuckets().get(key(piece, len)) ?? []) {
        if (lettersApart(spelt, w.spelt) > budget) continue;
        const cost = editCost(spelt, w.spelt, budget);
        if (cost <= budget) near.set(w.word, cost / UNIT);
      }
    }
    if (near.size === 0) return null;
    let best: { text: string; cost: number; rank: number[] } | null = null;
    // Fuse.js as before for what it adds: its threshold, and its score as the last tie-break.
    for (const hit of new Fuse([...near.keys()], fuseOptions).search(piece)) {
      const cost = near.get(hit.item) as number;
      const r = rank(hit.item, cost, hit.score ?? 1);
      if (!best || better(r, best.rank)) best = { text: hit.item, cost, rank: r };
    }
    return best;
  }

  const correct: Corrector = (piece, kind) => {
    if (vocabulary.has(piece)) return null;
    if (kind === 'han') {
      const { byPinyin } = hanIndex();
      for (const pinyin of pinyinKeys(piece)) {
        const hit = byPinyin.get(pinyin);
        if (hit) return { text: hit, factor: options.homophoneFactor };
      }
      return null;
    }
    return correctWord(piece);
  };

  /** The closest known word to a word the vocabulary lacks, read as typed or as romanised Russian. */
  function correctWord(piece: string): { text: string; factor: number } | null {
    let best = closest(piece);
    // Russian in Latin letters: read back into Cyrillic, then matched like a Cyrillic word.
    const cyrillic = /^[a-z]{3,}$/.test(piece) ? latinToCyrillic(piece) : null;
    // Searched only as far as it could still beat the Latin correction.
    const limit = (best?.cost ?? Infinity) - options.transliterationCost;
    const read = !cyrillic
      ? null
      : vocabulary.has(cyrillic)
        ? { text: cyrillic, cost: 0 }
        : closest(cyrillic, limit - 1 / UNIT);
    if (read && (!best || read.cost + options.transliterationCost < best.cost))
      best = { text: read.text, cost: read.cost + options.transliterationCost, rank: [] };
    return best ? { text: best.text, factor: options.editFactor ** best.cost } : null;
  }

  // Pinyin: a word reads as pinyin when it splits into syllables the knowledge base's characters have.
  const syllablesAt = (letters: string, from: number, until: number) => {
    const { bySyllable } = hanIndex();
    const found: string[] = [];
    for (let end = from + 1; end <= Math.min(until, from + MAX_SYLLABLE); end++) {
      const syllable = letters.slice(from, end);
      if (bySyllable.has(syllable)) found.push(syllable);
    }
    return found;
  };
  const splits = (word: string) => {
    const ok = [true];
    for (let i = 0; i < word.length; i++) {
      if (!ok[i]) continue;
      for (const s of syllablesAt(word, i, word.length)) ok[i + s.length] = true;
    }
    return ok[word.length] === true;
  };
  correct.isPinyin = (word) =>
    !vocabulary.has(word) && /^[a-z]+$/.test(word) && word.length <= MAX_PINYIN_LETTERS && splits(word);
  correct.pinyin = (words) => {
    // Best reading of the letters: most known Chinese words, then fewest characters, then common ones.
    // A syllable never spans two of the typed words.
    type Reading = { text: string; last: string; known: number; chars: number; freq: number };
    const preferred = (a: Reading, b: Reading) =>
      a.known !== b.known ? a.known > b.known : a.chars !== b.chars ? a.chars < b.chars : a.freq > b.freq;
    const { bySyllable, knownHan } = hanIndex();
    let frontier = new Map<string, Reading>([['', { text: '', last: '', known: 0, chars: 0, freq: 0 }]]);
    for (const word of words) {
      // Readings by position within this word, keyed by their last character.
      const at: Map<string, Reading>[] = [frontier];
      for (let i = 0; i < word.length; i++) {
        const here = at[i];
        if (!here) continue;
        for (const syllable of syllablesAt(word, i, word.length)) {
          const next = at[i + syllable.length] ?? new Map<string, Reading>();
          at[i + syllable.length] = next;
          for (const reading of here.values()) {
            for (const [char, count] of bySyllable.get(syllable) ?? []) {
              const candidate: Reading = {
                text: reading.text + char,
                last: char,
                known: reading.known + (knownHan.has(reading.last + char) ? 1 : 0),
                chars: reading.chars + 1,
                freq: reading.freq + count,
              };
              const current = next.get(char);
              if (!current || preferred(candidate, current)) next.set(char, candidate);
            }
          }
        }
      }
      const end = at[word.length];
      if (!end) return null;
      frontier = end;
    }
    let best: Reading | undefined;
    for (const reading of frontier.values()) if (!best || preferred(reading, best)) best = reading;
    if (!best || best.chars < 2 || best.known === 0) return null;
    return { text: best.text, factor: options.homophoneFactor };
  };
  return correct;
}

/** Whether the character at `index` lies in a word of three or more characters (什么时候, not 首图). */
function inLongWord(chars: readonly string[], index: number): boolean {
  let start = 0;
  for (const segment of chineseWords(chars.join(''))) {
    const length = [...segment].length;
    if (index < start + length) return length >= 3;
    start += length;
  }
  return false;
}

/**
 * Whether Chinese text is a known question typed with one slip that keeps its meaning: a character left
 * out of a long word, which stays recognisable (什么时开幕 for 什么时候开幕), or one character typed by its
 * sound (论坛的木的 for 论坛的目的). A short word missing a character is another word (首图 -> 首), and a
 * character changed for another sound (三届/四届, 开幕/闭幕) or added makes a different question.
 */
export function oneHanSlipApart(typed: readonly string[], known: readonly string[]): boolean {
  if (known.length === typed.length + 1) {
    let i = 0;
    while (i < typed.length && typed[i] === known[i]) i++;
    for (let k = i; k < typed.length; k++) if (typed[k] !== known[k + 1]) return false;
    return inLongWord(known, i);
  }
  if (known.length !== typed.length) return false;
  let differ = -1;
  for (let k = 0; k < typed.length; k++) {
    if (typed[k] === known[k]) continue;
    if (differ >= 0) return false;
    differ = k;
  }
  if (differ < 0) return false;
  const sounds = readings(typed[differ] as string);
  return readings(known[differ] as string).some((r) => sounds.includes(r));
}

/** A word as the edit distance reads it: code points, and what inserting or deleting each one costs. */
interface Spelt {
  cps: number[];
  indel: number[];
  /** Its letters as a 32-bit set (code point mod 32), for a cheap lower bound on the distance. */
  letters: number;
}

function bitCount(n: number): number {
  let v = n - ((n >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return (((v + (v >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}

/**
 * A lower bound on editCost: each letter one word has and the other lacks takes at least one edit of
 * its own (half an edit at the cheapest), and one edit changes at most one letter on each side.
 */
function lettersApart(a: Spelt, b: Spelt): number {
  return DOUBLED * Math.max(bitCount(a.letters & ~b.letters), bitCount(b.letters & ~a.letters));
}

/** A doubled letter ("hello") is cheap to miss or repeat: half an edit; any other letter a whole one. */
function spell(word: string | readonly number[]): Spelt {
  const cps = typeof word === 'string' ? [...word].map(cp) : [...word];
  const indel = cps.map((c, i) => (c === cps[i - 1] || c === cps[i + 1] ? DOUBLED : UNIT));
  let letters = 0;
  for (const c of cps) letters |= 1 << (c & 31);
  return { cps, indel, letters };
}

/**
 * Optimal string alignment distance of two code-point arrays in quarters of an edit (UNIT): a letter
 * inserted, deleted or changed costs a whole edit, a neighbouring key hit instead or two neighbouring
 * letters swapped three quarters, a doubled letter missed or repeated half. Returns max + 1 once it must
 * exceed max.
 */
export function boundedEditDistance(x: readonly number[], y: readonly number[], max: number): number {
  return editCost(spell(x), spell(y), max);
}

function editCost(a: Spelt, b: Spelt, max: number): number {
  const { cps: x, indel: dx } = a;
  const { cps: y, indel: dy } = b;
  if (Math.abs(x.length - y.length) * DOUBLED > max) return max + 1;
  let prev2 = new Array<number>(y.length + 1).fill(0);
  let prev = [0];
  for (let j = 1; j <= y.length; j++) prev.push((prev[j - 1] as number) + (dy[j - 1] as number));
  let row = new Array<number>(y.length + 1).fill(0);
  let prevMin = 0;
  for (let i = 1; i <= x.length; i++) {
    const xi = x[i - 1] as number;
    const del = dx[i - 1] as number;
    row[0] = (prev[0] as number) + del;
    let rowMin = row[0] as number;
    for (let j = 1; j <= y.length; j++) {
      const yj = y[j - 1] as number;
      const change = xi === yj ? 0 : neighbours(xi, yj) ? CLOSE : UNIT;
      let v = Math.min(
        (prev[j] as number) + del,
        (row[j - 1] as number) + (dy[j - 1] as number),
        (prev[j - 1] as number) + change,
      );
      if (i > 1 && j > 1 && xi === y[j - 2] && x[i - 2] === yj) {
        v = Math.min(v, (prev2[j - 2] as number) + CLOSE);
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
