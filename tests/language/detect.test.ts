import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { detectLanguage } from '../../src/language/detect.js';
import { createTokenizer } from '../../src/language/tokenize.js';

const { isStopword } = createTokenizer(loadKnowledge().lexicon);
const detect = (text: string) => detectLanguage(text, isStopword);

describe('detectLanguage', () => {
  it.each([
    ['when did the forum open?', 'en'],
    ['когда открылся форум', 'ru'],
    ['论坛什么时候开幕', 'zh'],
    ['論壇什麼時候開幕', 'zh'],
    ['RSL和NLC签了什么', 'zh'],
    ['что сказал Zhang Hanhui', 'ru'],
    ['what did Любимова say about libraries', 'en'],
    ['zhang hanhui', 'en'],
    // Russian typed in Latin letters: its grammar words read as Russian ones.
    ['kto vystupal na forume', 'ru'],
    ['a gde eto bylo?', 'ru'],
    ['luntan shenme shihou kaimu', 'zh'],
    // ...but English with a Russian name, or an English word that reads as one, stays English.
    ['was the forum at Pashkov dom?', 'en'],
    ['I want to know who spoke', 'en'],
  ] as const)('%s -> %s', (text, lang) => {
    expect(detect(text)).toBe(lang);
  });

  it('counts Latin words the caller reads as Russian or pinyin only in Latin text without English grammar', () => {
    const readsAs = (word: string) => (word === 'podpisany' || word === 'soglasheniya' ? 'ru' : null);
    expect(detectLanguage('soglasheniya podpisany', isStopword, undefined, readsAs)).toBe('ru');
    expect(detectLanguage('were the soglasheniya podpisany?', isStopword, undefined, readsAs)).toBe('en');
    expect(detectLanguage('soglasheniya podpisany 了吗', isStopword, undefined, readsAs)).toBe('zh');
  });

  it('is null when there is nothing to tell by', () => {
    for (const text of ['', '   ', '???', '2025', '🙂👍']) expect(detect(text)).toBeNull();
  });
});
