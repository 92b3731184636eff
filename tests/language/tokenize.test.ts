import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { createTokenizer } from '../../src/language/tokenize.js';

const lexicon = {
  stopwords: { zh: ['的', '嘛', '呢', '怎么回事'], ru: ['что', 'за'], en: ['tell', 'me', 'about', 'the'] },
  synonyms: [
    ['purpose', 'goal', '干嘛', '目的'],
    ['overview', 'summary', 'tell me about', 'что за', '怎么回事'],
    ['forum', 'форум', '论坛'],
  ],
  questionWords: [],
  overviewWords: ['overview'],
  unanswerable: [],
  offTopic: [],
  greetingWords: [],
  followUpWords: [],
};
const { terms } = createTokenizer(lexicon);
const texts = (text: string) => terms(text).map((t) => t.text);

describe('tokenizer', () => {
  it('finds a Chinese synonym the segmenter cuts apart inside a sentence', () => {
    // "干|嘛" with 嘛 a stopword: the bigram 干嘛 never forms, the member is still there.
    expect(texts('他们办这个论坛干嘛呢')).toContain('~purpose');
  });

  it('finds synonyms made only of stopwords as whole words', () => {
    expect(texts('tell me about the forum')).toEqual(['~forum', '~overview']);
    expect(texts('что за форум')).toEqual(['~forum', '~overview']);
    expect(texts('论坛是怎么回事')).toContain('~overview');
    // Inside another word it is not the phrase.
    expect(texts('hotell me abouts')).not.toContain('~overview');
  });

  it('matches a phrase left with one common word only as the whole phrase ("in place of" is not "place")', () => {
    const { terms: withPhrase } = createTokenizer({
      ...lexicon,
      stopwords: { ...lexicon.stopwords, en: [...lexicon.stopwords.en, 'in', 'of'] },
      synonyms: [...lexicon.synonyms, ['on behalf of', 'in place of']],
    });
    const concepts = (text: string) => withPhrase(text).map((t) => t.text);
    expect(concepts('who spoke in place of the minister')).toContain('~on_behalf_of');
    expect(concepts('why was the forum held in the first place')).not.toContain('~on_behalf_of');
  });

  it('matches a member with a gap ("what … for") only when its last word ends the sentence', () => {
    const { terms: withGap } = createTokenizer({
      ...lexicon,
      synonyms: [...lexicon.synonyms, ['aim', 'what … for']],
    });
    const concepts = (text: string) => withGap(text).map((t) => t.text);
    expect(concepts('What is the library forum for?')).toContain('~aim');
    expect(concepts("what's the forum for, really")).toContain('~aim');
    expect(concepts('what did they sign for the libraries')).not.toContain('~aim');
    expect(concepts('what for')).not.toContain('~aim');
  });

  it('gives a stopword phrase the role of its group', () => {
    expect(terms('tell me about the forum').find((t) => t.text === '~overview')?.role).toBe('overview');
  });

  it('marks Chinese words made of common words as common ("你的": 你 and 的 are)', () => {
    expect(terms('非常感谢你的解答').find((t) => t.text === '你的')?.generic).toBe(true);
    expect(terms('论坛的目的').find((t) => t.text === '论坛')?.generic).not.toBe(true);
  });

  it('reads the shipped lexicon', () => {
    const shipped = createTokenizer(loadKnowledge().lexicon);
    expect(shipped.terms('論壇在哪裡舉行').map((t) => t.text)).toContain('~forum');
    // "I" is not the forum's number (III), and "his" is not the greeting "hi".
    expect(shipped.terms('I read his speech').map((t) => t.text)).not.toContain('~3rd');
    expect(shipped.terms('III форум').map((t) => t.text)).toContain('~3rd');
    expect(shipped.terms('what is his job').map((t) => t.role)).toContain('followUp');
  });
});
