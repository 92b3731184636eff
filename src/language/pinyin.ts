import tinyPinyin from 'tiny-pinyin';

/**
 * Readings tiny-pinyin does not give: it knows one reading per character, and for a few common
 * characters not the everyday one (了 "lao", 乐 "lao"). A typo by sound may use any reading
 * (部张 for 部长, both "bu zhang"), and so may pinyin typed in Latin letters.
 */
const OTHER_READINGS: Readonly<Record<string, readonly string[]>> = {
  长: ['zhang'],
  重: ['chong'],
  行: ['hang'],
  还: ['huan'],
  都: ['du'],
  会: ['kuai'],
  乐: ['le', 'yue'],
  了: ['le', 'liao'],
  传: ['zhuan'],
  朝: ['zhao'],
  藏: ['zang'],
  调: ['tiao'],
  地: ['di'],
  着: ['zhao', 'zhuo'],
  差: ['chai'],
  参: ['shen'],
  大: ['dai'],
  单: ['shan'],
  率: ['shuai'],
  曾: ['ceng'],
  解: ['xie'],
  和: ['huo'],
  为: ['wei'],
  发: ['fa'],
  系: ['ji'],
  数: ['shu', 'shuo'],
  种: ['zhong'],
  少: ['shao'],
  处: ['chu'],
  间: ['jian'],
  相: ['xiang'],
  分: ['fen'],
  便: ['pian'],
  省: ['xing'],
};

/** A character's readings: tiny-pinyin's first, then the others people type. */
export function readings(char: string): string[] {
  const main = tinyPinyin.convertToPinyin(char, '', true);
  return [...new Set([main, ...(OTHER_READINGS[char] ?? [])])];
}

/**
 * Every toneless reading of a short Chinese text (a bigram), one syllable per character, for forgiving
 * homophone typos (时侯/时候, 协仪/协议, 部张/部长): a typo and the intended word share one of them.
 */
export function pinyinKeys(han: string): string[] {
  let keys = [''];
  for (const char of han) {
    const options = readings(char);
    keys = keys.flatMap((key) => options.map((reading) => (key ? `${key} ${reading}` : reading)));
  }
  return keys;
}
