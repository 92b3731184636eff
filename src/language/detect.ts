import type { Lang } from '../knowledge/schema.js';
import { normalizeText } from './normalize.js';

const HAN = /\p{Script=Han}/gu;
const WORDS = /\p{Script=Cyrillic}+|\p{Script=Latin}+/gu;
const CYRILLIC = /^\p{Script=Cyrillic}/u;

/** How much a word counts towards its language when telling the language of mixed text. */
export interface DetectWeights {
  /** Weight of one Chinese character (one character carries about as much as a short word). */
  han: number;
  /** Latin words in Chinese or Russian text are usually names, so they count for less. */
  latinWord: number;
  /** A function word (stopword) is strong evidence of its language. */
  stopwordBonus: number;
}

export const DEFAULT_DETECT_WEIGHTS: DetectWeights = { han: 2.5, latinWord: 0.7, stopwordBonus: 2 };

/**
 * The language of a question from its scripts and function words: Chinese characters, Cyrillic and
 * Latin letters are counted (Latin less, as names), function words count double. Null when no letters.
 */
export function detectLanguage(
  text: string,
  isStopword: (word: string, lang: Lang) => boolean,
  weights: DetectWeights = DEFAULT_DETECT_WEIGHTS,
): Lang | null {
  const normalized = normalizeText(text);
  const score: Record<Lang, number> = { zh: 0, ru: 0, en: 0 };
  score.zh = (normalized.match(HAN)?.length ?? 0) * weights.han;
  for (const [word] of normalized.matchAll(WORDS)) {
    const lang: Lang = CYRILLIC.test(word) ? 'ru' : 'en';
    const bonus = isStopword(word, lang) ? weights.stopwordBonus : 1;
    score[lang] += word.length * bonus * (lang === 'en' ? weights.latinWord : 1);
  }
  let best: Lang | null = null;
  for (const lang of ['zh', 'ru', 'en'] as const) {
    if (score[lang] > 0 && (best === null || score[lang] > score[best])) best = lang;
  }
  return best;
}
