import { describe, expect, it } from 'vitest';
import { DEFAULT_MATCHER_OPTIONS } from '../../src/engine/options.js';
import { boundedEditDistance, createCorrector, oneHanSlipApart } from '../../src/language/spelling.js';
import { latinToCyrillic } from '../../src/language/translit.js';

const cps = (word: string) => [...word].map((c) => c.codePointAt(0) as number);
/** Distance in edits (the function counts quarters). */
const edits = (a: string, b: string, max = 8) => boundedEditDistance(cps(a), cps(b), max * 4) / 4;

describe('keyboard-aware edit distance', () => {
  it('charges a whole edit for an arbitrary letter and less for the typos people make', () => {
    expect(edits('theme', 'theme')).toBe(0);
    expect(edits('hello', 'helo')).toBe(0.5); // a doubled letter missed
    expect(edits('forumm', 'forum')).toBe(0.5); // a letter doubled by mistake
    expect(edits('you', 'yuo')).toBe(0.75); // two letters swapped
    expect(edits('где', 'гда')).toBe(0.75); // а is next to е on the Russian keyboard
    expect(edits('when', 'whem')).toBe(0.75); // m is next to n
    expect(edits('held', 'helo')).toBe(1); // o is nowhere near d
    expect(edits('what', 'wat')).toBe(1); // a missing letter that is not doubled
  });

  it('gives up past the budget', () => {
    expect(boundedEditDistance(cps('library'), cps('forum'), 4)).toBe(5);
  });
});

describe('spelling corrector', () => {
  const vocabulary = new Map<string, number>([
    ['hello', 3],
    ['held', 9],
    ['theme', 2],
    ['them', 20],
    ['you', 5],
    ['где', 4],
    ['год', 3],
    ['культуры', 2],
    ['россии', 2],
    ['китая', 2],
    ['good', 1],
    ['中俄', 4],
    ['图书', 5],
    ['书馆', 5],
    ['论坛', 9],
    ['几号', 1],
  ]);
  const stopwords = new Set(['them', 'you']);
  const correct = createCorrector(vocabulary, DEFAULT_MATCHER_OPTIONS, (w) => stopwords.has(w));

  it('prefers the close typo over an equally long edit', () => {
    expect(correct('helo', 'word')?.text).toBe('hello');
  });

  it('does not correct a content word into a stopword when a content word is as close', () => {
    expect(correct('theem', 'word')?.text).toBe('theme');
  });

  it('corrects three-letter words only by a close typo', () => {
    expect(correct('yuo', 'word')?.text).toBe('you');
    expect(correct('гда', 'word')?.text).toBe('где');
    expect(correct('xyz', 'word')).toBeNull();
  });

  it('counts a correction for less than the word typed right', () => {
    const fixed = correct('helo', 'word');
    expect(fixed?.factor).toBeGreaterThan(0);
    expect(fixed?.factor).toBeLessThan(1);
    expect(correct('hello', 'word')).toBeNull();
  });

  it('reads a Latin word that matches nothing as romanised Russian', () => {
    expect(correct('kultury', 'word')?.text).toBe('культуры');
    expect(correct('rossii', 'word')?.text).toBe('россии');
    expect(correct('kitaya', 'word')?.text).toBe('китая');
    // "god" is one doubled letter from "good", but spelt exactly as Russian "год".
    expect(correct('god', 'word')?.text).toBe('год');
  });

  it('reads Latin words that spell pinyin as the Chinese words they sound like', () => {
    expect(correct.isPinyin?.('tushuguan')).toBe(true);
    expect(correct.isPinyin?.('hello')).toBe(false); // a known word is never pinyin
    expect(correct.isPinyin?.('library')).toBe(false); // "br" starts no syllable
    expect(correct.pinyin?.(['zhong', 'e', 'tushuguan', 'luntan'])?.text).toBe('中俄图书馆论坛');
    // One syllable never makes a known word: left alone.
    expect(correct.pinyin?.(['lun'])).toBeNull();
  });
});

describe('latinToCyrillic', () => {
  it('reads the common romanisations back', () => {
    expect(latinToCyrillic('pashkov')).toBe('пашков');
    expect(latinToCyrillic('shchukin')).toBe('щукин');
    expect(latinToCyrillic('sergey')).toBe('сергей');
    expect(latinToCyrillic('biblioteka')).toBe('библиотека');
    expect(latinToCyrillic('yaroslavl')).toBe('ярославл');
    expect(latinToCyrillic('soglasheniya')).toBe('соглашения');
    expect(latinToCyrillic('soglasheniye')).toBe('соглашение');
    expect(latinToCyrillic('novyi')).toBe('новый');
  });

  it('declines words that are not plain Latin letters', () => {
    expect(latinToCyrillic('café')).toBeNull();
    expect(latinToCyrillic('2025')).toBeNull();
  });
});

describe('homophone typos in Chinese', () => {
  const vocabulary = new Map<string, number>([
    ['部长', 2],
    ['协议', 5],
  ]);
  const correct = createCorrector(vocabulary, DEFAULT_MATCHER_OPTIONS);

  it('finds the word that sounds the same', () => {
    expect(correct('协仪', 'han')?.text).toBe('协议');
  });

  it('knows the other readings of common polyphones (长 is also zhang)', () => {
    expect(correct('部张', 'han')?.text).toBe('部长');
    expect(correct.pinyin?.(['buzhang'])?.text).toBe('部长');
  });
});

describe('a known Chinese question typed with one slip', () => {
  const known = [...'中俄文化年从什么时候开始'];
  const slip = (typed: string) => oneHanSlipApart([...typed], known);

  it('is one character typed by its sound, or one left out of a long word', () => {
    expect(slip('中俄问化年从什么时候开始')).toBe(true);
    expect(slip('中俄文化年从什么时开始')).toBe(true);
  });

  it('is not a character changed for another sound, one added, or one missing from a short word', () => {
    expect(slip('中俄文化年从什么时候结束')).toBe(false);
    expect(slip('中俄文化年从什么时候开始的')).toBe(false);
    expect(slip('中文化年从什么时候开始')).toBe(false);
    expect(slip('中俄文化年从什么时候开始')).toBe(false);
  });
});
