import { describe, expect, it } from 'vitest';
import { languageRequest } from '../../src/language/request.js';

describe('a reply language asked for in the message', () => {
  it.each([
    ['answer in Russian', 'ru', ''],
    ['who spoke at the forum? Please reply in Chinese.', 'zh', 'who spoke at the forum'],
    ['in English please, кто выступал', 'en', 'кто выступал'],
    ['switch to Russian', 'ru', ''],
    ['по-английски, пожалуйста', 'en', ''],
    ['где прошёл форум? ответь на китайском языке', 'zh', 'где прошёл форум'],
    ['переключись на русский', 'ru', ''],
    ['请用俄语回答：论坛在哪里举行', 'ru', '论坛在哪里举行'],
    ['請用英文回覆 論壇在哪裡', 'en', '論壇在哪裡'],
    ['切换到中文', 'zh', ''],
    ['中文', 'zh', ''],
    ['English', 'en', ''],
  ] as const)('%s -> %s', (text, lang, rest) => {
    expect(languageRequest(text)).toEqual({ lang, rest });
  });

  it.each([
    ['can you talk English?', 'en'],
    ['давай дальше по-китайски', 'zh'],
    ['а можно на русском?', 'ru'],
    ['换成俄语吧', 'ru'],
    ['能用英文再说一遍吗', 'en'],
    ['say it once more in Chinese', 'zh'],
    ['переведите на английский, пожалуйста', 'en'],
    ['po-russki mozhno?', 'ru'],
    ['may I have it in Russian?', 'ru'],
    ['eng pls', 'en'],
    ['same thing but in chinese', 'zh'],
    ['给我俄文的', 'ru'],
    ['а по-английски как будет?', 'en'],
    ['а на инглише можно?', 'en'],
  ] as const)('a message that only asks for a language: %s -> %s', (text, lang) => {
    expect(languageRequest(text)).toEqual({ lang, rest: '' });
  });

  it.each([
    ['What was signed? Could you answer in Simplified Chinese?', 'zh', 'What was signed'],
    ['Кто выступал? Напишите ответ на английском языке.', 'en', 'Кто выступал'],
    ['Расскажите про соглашения, только ответ дайте по-китайски.', 'zh', 'Расскажите про соглашения'],
    ['请用俄语告诉我论坛在哪里举办', 'ru', '告诉我论坛在哪里举办'],
    ['主题是什么？英文回答', 'en', '主题是什么'],
    ['英文：论坛几号开的', 'en', '论坛几号开的'],
    ['по-английски: кто такая Алексеева?', 'en', 'кто такая Алексеева'],
  ] as const)('a request phrased freely beside a question: %s', (text, lang, rest) => {
    expect(languageRequest(text)).toEqual({ lang, rest });
  });

  it.each([
    ['А по-английски можно? Сестре покажу.', 'en', 'Сестре покажу'],
    ['Say that in Russian? My dad does not read English.', 'ru', 'My dad does not read English'],
    ['我不太懂。能说中文吗？', 'zh', '我不太懂'],
  ] as const)('one sentence that only asks for a language, beside another: %s', (text, lang, rest) => {
    expect(languageRequest(text)).toEqual({ lang, rest });
  });

  it.each([
    ['Could you put this in Russian for my aunt?', 'ru', ''],
    ['English version of it, please.', 'en', ''],
    ['好吧 切回俄语 看不懂', 'ru', '好吧 看不懂'],
  ] as const)('a request worded freely, for someone or as a version: %s', (text, lang, rest) => {
    // The words beside the language are none the knowledge base knows.
    expect(languageRequest(text, () => false)).toEqual({ lang, rest });
  });

  it('is not a language named in a question', () => {
    for (const text of [
      'Chinese books in Russian translation',
      'какие китайские книги читают на русском языке',
      '有俄语版本吗',
      'what does the Russian minister say',
      'is the forum in English or Russian?',
      'Prussian, please',
      'answer in Englishness',
      'how do you say "library" in Chinese?',
      'переведи слово «форум» на английский',
      '“论坛”用英语怎么说',
    ])
      expect(languageRequest(text)).toBeNull();
  });
});
