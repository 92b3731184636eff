import { describe, expect, it } from 'vitest';
import {
  createAnalyzer,
  DEFAULT_MINISEARCH_STRONG_OPTIONS,
  miniSearchStrongSystem,
} from '../../bench/baselines/minisearch-strong.js';
import { type KnowledgeBase, loadKnowledge } from '../../src/knowledge/load.js';
import { entrySchema } from '../../src/knowledge/schema.js';

const analyzer = createAnalyzer(DEFAULT_MINISEARCH_STRONG_OPTIONS.stopwords);
/** The terms MiniSearch indexes or looks up for a text (a stopword's term is null, and dropped). */
const terms = (text: string) => analyzer.tokenize(text).map(analyzer.term).filter(Boolean);

/** Three entries written for this test, so that it does not move with the shipped knowledge base. */
function fixture(): KnowledgeBase {
  const side = (title: string, questions: string[], keywords: string[] = []) => ({
    title,
    questions,
    keywords,
    answer: `${title}.`,
  });
  const entries = [
    {
      id: 'manuscript-pact',
      topic: 'agreements',
      i18n: {
        en: side(
          'Manuscript pact',
          [
            'What is the manuscript pact?',
            'Which libraries signed the manuscript agreement?',
            'Will rare manuscripts be digitized?',
          ],
          ['manuscripts'],
        ),
        ru: side('Соглашение о рукописях', [
          'Что такое соглашение о рукописях?',
          'Кто подписал соглашение о рукописях?',
          'Будут ли оцифровывать редкие рукописи?',
        ]),
        zh: side('手稿复制协议', [
          '手稿复制协议是什么？',
          '哪两家图书馆签了手稿协议？',
          '珍稀手稿会数字化吗？',
        ]),
      },
    },
    {
      id: 'forum-venue',
      topic: 'forum',
      i18n: {
        en: side('Venue', [
          'Where was the forum held?',
          'Which building hosted the forum?',
          'Where did the library forum take place?',
        ]),
        ru: side('Место', [
          'Где проходил форум?',
          'В каком здании прошёл форум?',
          'Где состоялся библиотечный форум?',
        ]),
        zh: side('地点', ['论坛在哪里举行？', '论坛在什么地方办的？', '图书馆论坛的举办地点是哪里？']),
      },
    },
    {
      id: 'forum-date',
      topic: 'forum',
      i18n: {
        en: side('Date', [
          'When was the forum held?',
          'What date did the forum open?',
          'When did the library forum take place?',
        ]),
        ru: side('Дата', [
          'Когда проходил форум?',
          'Какого числа открылся форум?',
          'Когда состоялся библиотечный форум?',
        ]),
        zh: side('日期', ['论坛是什么时候举行的？', '论坛哪天开幕？', '图书馆论坛的举办时间是什么时候？']),
      },
    },
  ].map((entry) => entrySchema.parse(entry));
  return { ...loadKnowledge(), entries, byId: new Map(entries.map((e) => [e.id, e])) };
}

describe('minisearch-strong analysis', () => {
  it('reads Traditional Chinese as Simplified, full-width letters and capitals as plain ones', () => {
    expect(terms('圖書館論壇')).toEqual(terms('图书馆论坛'));
    expect(terms('ＦＯＲＵＭ')).toEqual(terms('forum'));
  });

  it("cuts Chinese into the segmenter's words and character bigrams", () => {
    expect(terms('图书馆论坛')).toEqual(expect.arrayContaining(['论坛', '书馆', '馆论']));
  });

  it('stems English and Russian, so another form of a word matches', () => {
    expect(terms('manuscripts')).toEqual(terms('manuscript'));
    expect(terms('рукописями')).toEqual(terms('рукописи'));
  });

  it('drops function words but keeps the words that say what is asked', () => {
    expect(terms('the forum')).toEqual(terms('forum'));
    expect(terms('where when где когда')).toHaveLength(4);
  });
});

describe('minisearch-strong search', () => {
  const searcher = miniSearchStrongSystem.build(fixture());
  const top = (text: string) => searcher.top(text)?.id;

  it('tells apart questions about one subject by their question word', () => {
    expect(top('Where was the forum held?')).toBe('forum-venue');
    expect(top('When was the forum held?')).toBe('forum-date');
    expect(top('Где проходил форум?')).toBe('forum-venue');
    expect(top('Когда проходил форум?')).toBe('forum-date');
  });

  it('finds an entry from a Traditional Chinese question, an inflected word, a typo and a word being typed', () => {
    expect(top('論壇在哪裡舉行')).toBe('forum-venue');
    expect(top('что с рукописями')).toBe('manuscript-pact');
    expect(top('manuscrpits')).toBe('manuscript-pact');
    expect(top('the manuscr')).toBe('manuscript-pact');
  });

  it('finds nothing for words the knowledge base does not know', () => {
    expect(searcher.top('xylophone quartz')).toBeNull();
  });

  it('scores an alternate question asked as written above a question that shares a word with it', () => {
    const exact = searcher.top('Which libraries signed the manuscript agreement?');
    const loose = searcher.top('Which libraries have a reading room?');
    expect(exact?.id).toBe('manuscript-pact');
    expect(exact?.score).toBeGreaterThan(loose?.score ?? 0);
  });
});
