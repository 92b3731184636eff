import type { Lang } from '../knowledge/schema.js';
import { normalizeText } from './normalize.js';
import { pinyinKeys } from './pinyin.js';
import { chineseWords } from './segment.js';
import { commonWords } from './tokenize.js';
import { latinToCyrillic } from './translit.js';

const HAN_RUN = /\p{Script=Han}+/gu;
const WORDS = /\p{Script=Cyrillic}+|\p{Script=Latin}+/gu;
const CYRILLIC = /^\p{Script=Cyrillic}/u;
/**
 * Latin words that read as common Russian words ("kto", "na") or as common Chinese words in pinyin
 * ("shenme", "shihou") before Latin text counts as Russian or Chinese typed in Latin letters.
 */
const ROMANISED_MIN_WORDS = 2;
/** ...or one word of at least this many letters when it is the whole message. */
const ROMANISED_ONE_WORD_MIN_LETTERS = 5;
const COMMON = { en: commonWords('en'), ru: commonWords('ru') };
let commonPinyin: Set<string> | undefined;
/** Common Chinese words of two or more characters, as pinyin without spaces ("shenme"). */
function isCommonPinyin(word: string): boolean {
  commonPinyin ??= new Set(
    [...commonWords('zh')]
      .filter((w) => [...w].length >= 2)
      .flatMap((w) => pinyinKeys(w).map((key) => key.replaceAll(' ', ''))),
  );
  return commonPinyin.has(word);
}

/** How much each kind of evidence counts when telling the language of mixed text. */
export interface DetectWeights {
  /** A function word (stopword) of a language: the grammar of a sentence tells its language best. */
  functionWord: number;
  /** One Chinese character (one character carries about as much as a short word's letters). */
  han: number;
  /** One letter of a Latin word: in Chinese or Russian text Latin words are mostly names, so less. */
  latinLetter: number;
  /** One Cyrillic letter. */
  cyrillicLetter: number;
}

export const DEFAULT_DETECT_WEIGHTS: DetectWeights = {
  functionWord: 10,
  han: 2.5,
  latinLetter: 0.7,
  cyrillicLetter: 1,
};

/**
 * The language of a question. Function words decide (in "Alexeyeva 说了什么" or "о чём говорил Zhang Hanhui"
 * the names are borrowed, the grammar is not); letters and characters by script break ties and decide
 * keyword-only questions; next to Chinese or Russian text, Latin words are names and do not count
 * unless they bring more English function words than the rest brings of its own; Latin text with more
 * common Russian words ("kto", "gde", "na") or common Chinese words in pinyin ("shenme", "shihou") than
 * English ones is Russian or Chinese typed in Latin letters. Null when the text has no letters at all.
 */
export function detectLanguage(
  text: string,
  isStopword: (word: string, lang: Lang) => boolean,
  weights: DetectWeights = DEFAULT_DETECT_WEIGHTS,
  /**
   * What a Latin word that is not a common English word reads as, by the knowledge base: pinyin
   * ("luntan", "shuole") or a Russian word in Latin letters ("podpisali", "soglasheniya").
   */
  readsAs?: (word: string) => 'zh' | 'ru' | null,
): Lang | null {
  const normalized = normalizeText(text);
  const letters: Record<Lang, number> = { zh: 0, ru: 0, en: 0 };
  const functionWords: Record<Lang, number> = { zh: 0, ru: 0, en: 0 };
  for (const [run] of normalized.matchAll(HAN_RUN)) {
    letters.zh += [...run].length * weights.han;
    for (const word of chineseWords(run)) if (isStopword(word, 'zh')) functionWords.zh += 1;
  }
  // Russian or Chinese typed in Latin letters ("kto podpisal soglashenie", "luntan zai nali")
  // has its grammar in Latin words.
  // Counted on the broad lists of common words, in every language alike: "kto", "gde" are not stopwords.
  const romanised: Record<Lang, number> = { zh: 0, ru: 0, en: 0 };
  const read = { zh: 0, ru: 0 };
  let latinLetters = 0;
  let latinWords = 0;
  for (const [word] of normalized.matchAll(WORDS)) {
    const lang: Lang = CYRILLIC.test(word) ? 'ru' : 'en';
    letters[lang] += word.length * (lang === 'en' ? weights.latinLetter : weights.cyrillicLetter);
    if (isStopword(word, lang)) functionWords[lang] += 1;
    if (lang === 'en') {
      latinLetters += word.length;
      latinWords += 1;
      if (COMMON.en.has(word)) romanised.en += 1;
      const cyrillic = latinToCyrillic(word);
      if (cyrillic && COMMON.ru.has(cyrillic)) romanised.ru += 1;
      else if (isCommonPinyin(word)) romanised.zh += 1;
      else if (!COMMON.en.has(word)) {
        const reading = readsAs?.(word);
        if (reading) read[reading] += 1;
      }
    }
  }
  // Words the knowledge base reads as Russian or pinyin are names or quotes inside English grammar
  // ("God kultury Rossii — when did it start?") or beside Chinese and Russian text; on their own they
  // are the question ("kto podpisal pakt o rukopisyakh", "luntan zai nar").
  if (functionWords.en === 0 && letters.zh === 0 && letters.ru === 0) {
    romanised.ru += read.ru;
    romanised.zh += read.zh;
  }
  for (const lang of ['ru', 'zh'] as const) {
    // A message of one longer word needs only that one ("privet", "nihao"; not "data", "yo").
    const needed =
      latinWords === 1 && latinLetters >= ROMANISED_ONE_WORD_MIN_LETTERS ? 1 : ROMANISED_MIN_WORDS;
    if (romanised[lang] >= needed && romanised[lang] > romanised.en) {
      letters[lang] += latinLetters * (lang === 'zh' ? weights.latinLetter : weights.cyrillicLetter);
      letters.en = 0;
      functionWords[lang] += romanised[lang];
      break;
    }
  }
  // Next to Chinese or Russian, Latin words are borrowed names unless English grammar outweighs theirs.
  const other = Math.max(functionWords.zh, functionWords.ru);
  if ((letters.zh > 0 || letters.ru > 0) && functionWords.en <= other) letters.en = 0;
  const score: Record<Lang, number> = { zh: 0, ru: 0, en: 0 };
  for (const lang of ['zh', 'ru', 'en'] as const) {
    score[lang] = letters[lang] > 0 ? letters[lang] + functionWords[lang] * weights.functionWord : 0;
  }
  let best: Lang | null = null;
  for (const lang of ['zh', 'ru', 'en'] as const) {
    if (score[lang] > 0 && (best === null || score[lang] > score[best])) best = lang;
  }
  return best;
}
