import tinyPinyin from 'tiny-pinyin';

/**
 * Toneless pinyin of Chinese text, one syllable per character, for forgiving homophone typos
 * (时侯/时候, 协仪/协议). Every character always gets the same reading, which is what matching needs:
 * a typo and the intended word then share a key even where one of them is a polyphone.
 */
export function pinyinKey(han: string): string {
  return tinyPinyin.convertToPinyin(han, ' ', true);
}
