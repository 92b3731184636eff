import { describe, expect, it } from 'vitest';
import {
  type ConversationState,
  converse,
  NEW_CONVERSATION,
  parseState,
  serializeState,
  type Turn,
} from '../../src/conversation/conversation.js';
import { listReference } from '../../src/conversation/references.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Lang } from '../../src/engine/types.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const engine = createEngine(loadKnowledge());

/** Plays messages as one user, returning what each reply is: entry ids and language, or a switch. */
function play(messages: string[], fallbackLang: Lang = 'en') {
  let state: ConversationState = { ...NEW_CONVERSATION };
  let chosen: Lang | undefined;
  return messages.map((text) => {
    const outcome = converse(engine, state, text, { chosen, fallbackLang });
    state = outcome.state;
    chosen = outcome.chosen ?? chosen;
    return describe_(outcome.turn);
  });
}
const describe_ = (turn: Turn) =>
  turn.kind === 'switched'
    ? `switched:${turn.lang}`
    : turn.result.kind === 'answer'
      ? `${[turn.result.entry.id, ...turn.result.also.map((e) => e.id)].join('+')}:${turn.result.lang}`
      : `${turn.result.kind}:${turn.result.lang}`;

describe('a conversation', () => {
  it('resolves "the second one" against the list just shown, in every language', () => {
    expect(play(['what agreements were signed?', 'tell me more about the second one'])[1]).toBe(
      'agreement-far-eastern-capital:en',
    );
    expect(play(['какие соглашения подписали?', 'расскажи про первое'])[1]).toBe(
      'agreement-manuscript-pact:ru',
    );
    expect(play(['签了哪些协议？', '第二个呢？'])[1]).toBe('agreement-far-eastern-capital:zh');
    expect(play(['签了哪些协议？', '后一个'])[1]).toBe('agreement-far-eastern-capital:zh');
    expect(play(['签了哪些协议？', '1号'])[1]).toBe('agreement-manuscript-pact:zh');
  });

  it('picks a "did you mean" suggestion by its number', () => {
    const state: ConversationState = { answered: [], shown: ['forum-date', 'forum-venue'], lang: 'en' };
    const { turn } = converse(engine, state, '2');
    expect(describe_(turn)).toBe('forum-venue:en');
  });

  it('says the last answer again in the language asked for, and keeps that language', () => {
    expect(play(['who spoke at the forum?', 'по-русски, пожалуйста', 'when was it?'])).toEqual([
      'speakers-overview:en',
      'speakers-overview:ru',
      'forum-date:ru',
    ]);
    expect(play(['论坛在哪里举行？', 'again in English please'])[1]).toBe('forum-venue:en');
    expect(play(['где прошёл форум?', 'А по-английски можно? Сестре покажу.'])[1]).toBe('forum-venue:en');
  });

  it('switches on natural phrases, confirming in the new language when there is nothing to repeat', () => {
    expect(play(['можно на английском?'])).toEqual(['switched:en']);
    expect(play(['能说中文吗'])).toEqual(['switched:zh']);
    expect(play(['switch back to English'], 'ru')).toEqual(['switched:en']);
  });

  it('switches on a request worded freely, beside other words or a question, in every language', () => {
    expect(play(['где прошёл форум?', 'ладно, давай опять по-английски'])[1]).toBe('forum-venue:en');
    expect(play(['где прошёл форум?', 'napishi eto po-angliiski'])[1]).toBe('forum-venue:en');
    expect(play(['who spoke at the forum?', '嗯 改回中文 论坛是哪天开幕的'])[1]).toBe('forum-date:zh');
  });

  it('answers a question asked beside a switch in a sentence of its own, in the new language', () => {
    expect(play(['где прошёл форум?', 'Ладно, давай по-английски. Кто там выступал?'])[1]).toBe(
      'speakers-overview:en',
    );
  });

  it('does not take a language named in a question about the forum for a request', () => {
    for (const text of [
      'какие книги переводят на китайский?',
      'how do you say "manuscript" in Chinese?',
      'which Russian library signed?',
    ])
      expect(engine.requestedLanguage(text)).toBeNull();
  });

  it('reads an elliptic follow-up against what was just answered', () => {
    expect(play(['who is Zhang Hanhui?', 'what did he say?'])[1]).toBe('speaker-zhang-hanhui:en');
    // "his" refers back too (its stem is not the greeting "hi").
    expect(play(['who is Zhang Hanhui?', 'what is his job?'])[1]).toBe('speaker-zhang-hanhui:en');
  });

  it('says honestly what the article does not tell about what was just answered', () => {
    expect(play(['кто такой Чжан Ханьхуэй?', 'а сколько ему лет?'])[1]).toBe('partial:ru');
  });

  it('says so when a follow-up asks what the article does not tell about the subject it leans on', () => {
    expect(play(['are Chinese books popular in Russia?', 'any titles of those web novels?'])[1]).toBe(
      'partial:en',
    );
  });

  it('lets what was just said break a near tie, not override a clear question', () => {
    // Alone, "which year did it start" fits the forum's history about as well as the Culture Year.
    expect(play(['中俄文化年是什么', '哪一年开始的？'])[1]).toBe('culture-year:zh');
    expect(play(['论坛的历史', '哪一年开始的？'])[1]).toBe('forum-history:zh');
    expect(play(['tell me about the Culture Year', 'what was the theme of the forum?'])[1]).toBe(
      'forum-theme:en',
    );
  });

  it('reads a question that points at an item shown as a question about that item', () => {
    expect(play(['what agreements were signed?', 'the first one — which Chinese library is in it?'])[1]).toBe(
      'agreement-manuscript-pact:en',
    );
    expect(play(['签了哪些协议？', '第二份的俄方是哪家图书馆？'])[1]).toBe(
      'agreement-far-eastern-capital:zh',
    );
  });

  it('answers with the item pointed at when the words around the pointing match nothing', () => {
    expect(
      play([
        'what agreements were signed?',
        'honestly the second one is what my boss cares about, could you go into it a bit',
      ])[1],
    ).toBe('agreement-far-eastern-capital:en');
  });

  it('picks an item and switches language in one message', () => {
    expect(play(['who spoke at the forum?', 'ну а теперь второго, только по-китайски'])[1]).toBe(
      'speaker-zhang-hanhui:zh',
    );
    expect(play(['кто выступал на форуме?', 'the first one now, in English please'])[1]).toBe(
      'speaker-alexeyeva:en',
    );
  });

  it('does not take a question with an ordinal in it for a pick', () => {
    expect(play(['what agreements were signed?', 'when was the first forum held?'])[1]).not.toMatch(
      /^agreement/,
    );
  });
});

describe('listReference', () => {
  const shown = ['forum-date', 'forum-venue', 'forum-theme'];
  const titles = (id: string) => [id];
  it.each([
    ['the third one', 'forum-theme'],
    ['#2', 'forum-venue'],
    ['последнее', 'forum-theme'],
    ['第一个', 'forum-date'],
    ['forum-venue', 'forum-venue'],
  ])('%s -> %s', (text, id) => {
    expect(listReference(text, shown, [], titles)).toBe(id);
  });

  it('reads Russian typed in Latin letters', () => {
    const shown = ['speaker-alexeyeva', 'speaker-zhang-hanhui'];
    expect(listReference('a vtoroi?', shown, [], () => [])).toBe('speaker-zhang-hanhui');
    expect(listReference('pervaya kto takaya', shown, [], () => [])).toBe('speaker-alexeyeva');
  });

  it('picks nothing when nothing was shown, or when more is asked', () => {
    expect(listReference('the second one', [], [], titles)).toBeUndefined();
    expect(listReference('where did the second forum take place in 2024', shown, [], titles)).toBeUndefined();
  });
});

describe('"the other one"', () => {
  const two = ['agreement-manuscript-pact', 'agreement-far-eastern-capital'];
  const titles = (id: string) => [id];
  it.each(['and the other one?', 'а другое?', '另一个呢'])(
    '%s picks the item of two not just answered',
    (text) => {
      expect(listReference(text, two, ['agreement-far-eastern-capital'], titles)).toBe(
        'agreement-manuscript-pact',
      );
    },
  );

  it('picks nothing when it could be several, or when neither was answered', () => {
    expect(
      listReference('the other one', [...two, 'forum-date'], [two[0] as string], titles),
    ).toBeUndefined();
    expect(listReference('the other one', two, ['forum-date'], titles)).toBeUndefined();
    // "друг" is a friend, not "the other one".
    expect(listReference('а мой друг?', two, [two[1] as string], titles)).toBeUndefined();
  });

  it('is followed in a conversation: after one agreement, "and the other?" is the other agreement', () => {
    const replies = play(['what agreements were signed?', 'tell me about the second one', 'and the other?']);
    expect(replies[2]).toBe('agreement-manuscript-pact:en');
  });
});

describe('the stored state', () => {
  it('reads back what was written, and survives junk or an older plain entry id', () => {
    const state: ConversationState = { answered: ['forum-date'], shown: ['a', 'b'], lang: 'ru' };
    expect(parseState(serializeState(state))).toEqual(state);
    expect(parseState('forum-venue')).toEqual({ answered: ['forum-venue'], shown: [] });
    expect(parseState('{not json')).toEqual({ answered: [], shown: [] });
    expect(parseState('{"answered":[1,"../x"],"lang":"fr"}')).toEqual({ answered: [], shown: [] });
  });
});
