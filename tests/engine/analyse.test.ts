import { describe, expect, it } from 'vitest';
import { analyse, asks, splitParts, stripMarkup } from '../../src/engine/analyse.js';

describe('stripMarkup', () => {
  it('drops tags, scripts with their code, link targets, URLs and entities', () => {
    expect(stripMarkup('<b>who</i> spoke &amp; <script>alert(1)</script> at the forum?')).toBe(
      'who spoke & at the forum?',
    );
    expect(stripMarkup('**when** was [the forum](https://example.com/x)? see https://t.me/x')).toBe(
      'when was the forum? see',
    );
  });

  it('leaves plain text alone', () => {
    expect(stripMarkup('Где прошёл форум?')).toBe('Где прошёл форум?');
  });
});

describe('splitParts', () => {
  it('cuts sentences, and clauses that start a new question', () => {
    expect(splitParts('Hi! When did it open? And where?')).toEqual(['Hi!', 'When did it open?', 'where?']);
    expect(splitParts('какая была тема и кто выступал от имени министра')).toEqual([
      'какая была тема',
      'кто выступал от имени министра',
    ]);
    expect(splitParts('主题是什么 还有中国大使叫什么')).toEqual(['主题是什么', '中国大使叫什么']);
    expect(splitParts('it is for my teacher: who signed the pact?')).toEqual([
      'it is for my teacher:',
      'who signed the pact?',
    ]);
    expect(splitParts('расскажи про пакт о рукописях, а также про Год культуры')).toEqual([
      'расскажи про пакт о рукописях,',
      'про Год культуры',
    ]);
  });

  it('cuts a Chinese clause that asks away from what comes before it', () => {
    expect(splitParts('开幕是哪一天，会上谁讲了话')).toEqual(['开幕是哪一天', '会上谁讲了话']);
    expect(splitParts('我想了解一下，论坛主题是什么')).toEqual(['我想了解一下', '论坛主题是什么']);
    expect(splitParts('主题是什么啊，我很好奇')).toEqual(['主题是什么啊，我很好奇']);
  });

  it('keeps a clause of only question words with the clause it asks about', () => {
    expect(splitParts('Когда и как открыли Год культуры?')).toEqual(['Когда как открыли Год культуры?']);
    expect(splitParts('The pact: who signed it, and when?')).toEqual(['The pact:', 'who signed it when?']);
    expect(splitParts('when and where was the forum')).toEqual(['when where was the forum']);
  });

  it('keeps together what is one question', () => {
    expect(splitParts('библиотеки России и Китая')).toEqual(['библиотеки России и Китая']);
    expect(splitParts('what happened on 14.08 in Moscow')).toEqual(['what happened on 14.08 in Moscow']);
    expect(splitParts('did it open at 10:00 in Moscow')).toEqual(['did it open at 10:00 in Moscow']);
    expect(splitParts('论坛 主题')).toEqual(['论坛 主题']);
  });
});

describe('asks', () => {
  it('tells a question from a greeting, a story or thanks', () => {
    for (const q of ['Where was it?', 'кто выступал', '论坛在哪', 'is it true they signed two deals'])
      expect(asks(q)).toBe(true);
    for (const s of ['Hello there!', 'Спасибо большое.', '我是学生', 'I work at a library'])
      expect(asks(s)).toBe(false);
  });

  it('takes a request for information as a question, but not a bare "tell me"', () => {
    for (const q of ['Tell me about the pact', 'Опишите кратко повестку', '给我介绍一下这个论坛'])
      expect(asks(q)).toBe(true);
    for (const s of ['Подскажите, пожалуйста', 'tell me please', 'Explain!']) expect(asks(s)).toBe(false);
  });
});

describe('analyse', () => {
  it('takes the reply language out of the question', () => {
    const a = analyse('Who spoke at the forum? Answer in Russian, please.', 1000);
    expect(a.requested).toBe('ru');
    expect(a.question).toBe('Who spoke at the forum');
    expect(a.parts).toEqual([{ text: 'Who spoke at the forum', asks: true }]);
  });

  it('in a message with a question mark, takes only clauses of a question sentence as asking', () => {
    const a = analyse('Я слышала, что форум прошёл в Москве. А когда он открылся? Спасибо.', 1000);
    expect(a.parts.filter((p) => p.asks).map((p) => p.text)).toEqual(['когда он открылся?']);
    // A last sentence typed without any end mark asks by its words.
    const b = analyse('Is the pact about manuscripts? and who signed it', 1000);
    expect(b.parts.map((p) => p.asks)).toEqual([true, true]);
    // Without a question mark, a question word still asks.
    expect(analyse('Я слышала, что форум прошёл в Москве', 1000).parts.some((p) => p.asks)).toBe(true);
  });

  it('lets a clause joined by "as well as" ask as the clause before it does', () => {
    const a = analyse('My class is curious. Describe the theme as well as the venue.', 1000);
    expect(a.parts.filter((p) => p.asks).map((p) => p.text)).toEqual(['Describe the theme', 'the venue.']);
    // A request and a question in one sentence are two things asked.
    const b = analyse('Опишите форум в двух словах и где он проходил?', 1000);
    expect(b.parts).toEqual([
      { text: 'Опишите форум в двух словах', asks: true },
      { text: 'где он проходил?', asks: true },
    ]);
  });

  it('joins two things asked with "&" or "+"', () => {
    expect(splitParts('the theme & the speakers')).toEqual(['the theme', 'the speakers']);
    expect(splitParts('主题＋发言人')).toEqual(['主题', '发言人']);
  });

  it('ends a sentence at an emoji, as chat does', () => {
    expect(splitParts('no idea what this is 🙈 who organised it')).toEqual([
      'no idea what this is 🙈',
      'who organised it',
    ]);
  });

  it('drops the numbers of a list of things asked', () => {
    expect(splitParts('Two things: 1) the theme; 2) the venue')).toEqual([
      'Two things:',
      'the theme;',
      'the venue',
    ]);
    expect(splitParts('一是主题是什么；二是在哪办的')).toEqual(['主题是什么；', '在哪办的']);
  });

  it('takes a question word after a preposition, and a request ending with a full stop, as asking', () => {
    const a = analyse('Is it yearly? Since when has it existed, and who came?', 1000);
    expect(a.parts.map((p) => p.asks)).toEqual([true, true, true]);
    const b = analyse('Какая была тема? И ещё уточните дату открытия.', 1000);
    expect(b.parts.map((p) => p.asks)).toEqual([true, true]);
    // A wish to know is asking too.
    const c = analyse('Is it yearly? I also wonder who organised it.', 1000);
    expect(c.parts.at(-1)).toEqual({ text: 'I also wonder who organised it.', asks: true });
  });

  it('reads no further than the limit', () => {
    expect(analyse(`${'a'.repeat(20)} when`, 10).question).toBe('a'.repeat(10));
  });
});
