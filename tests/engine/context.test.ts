import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const engine = createEngine(loadKnowledge());
const answered = (question: string, context?: string) => {
  const result = engine.ask(question, { context });
  return result.kind === 'answer' ? result.entry.id : result.kind;
};

describe('follow-up questions', () => {
  it('borrow the names of the entry answered just before', () => {
    expect(answered('what did he say?', 'speaker-zhang-hanhui')).toBe('speaker-zhang-hanhui');
    expect(answered('他说了什么', 'speaker-zhang-hanhui')).toBe('speaker-zhang-hanhui');
  });

  it('ignore the previous answer when the question names someone itself', () => {
    expect(answered('what did Lyubimova say?', 'speaker-zhang-hanhui')).toBe('speech-lyubimova');
  });

  it('ignore the previous answer when the question stands on its own', () => {
    expect(answered('when did the forum open?', 'speaker-zhang-hanhui')).toBe('forum-date');
    expect(answered('where was the forum held?', 'agreements-overview')).toBe('forum-venue');
  });

  it('leave alone a message that stands on its own and does not refer back', () => {
    // Thanks after an answer about a speaker is thanks, not the speaker again.
    expect(answered('thanks!', 'speaker-zhang-hanhui')).toBe('chitchat-thanks');
    expect(answered('привет', 'speech-lyubimova')).toBe('chitchat-greeting');
    expect(answered('какая цель у форума', 'speaker-alexeyeva')).toBe('forum-purpose');
  });

  it('borrow the names when the question refers back with a pronoun', () => {
    expect(answered('а что он сказал?', 'speaker-zhang-hanhui')).toBe('speaker-zhang-hanhui');
    expect(answered('她说了什么', 'speech-lyubimova')).toBe('speech-lyubimova');
  });

  it('are read within one message too: a later part refers back to what an earlier part answered', () => {
    const whole = (question: string) => {
      const result = engine.ask(question);
      return result.kind === 'answer' ? [result.entry.id, ...result.also.map((e) => e.id)] : [result.kind];
    };
    // "he" is the ambassador just asked about, not whoever else gave a speech.
    expect(whole('谁代表中国大使馆发言？他说了什么？')).toEqual(['speaker-zhang-hanhui']);
    expect(whole('Кто такой Чжан Ханьхуэй и о чём он говорил?')).toEqual(['speaker-zhang-hanhui']);
  });

  it('do not make an unrelated question answerable', () => {
    expect(answered('what is the price of bitcoin?', 'forum-date')).not.toMatch(/^forum|^speaker|^agreement/);
  });
});

describe('what the source does not tell', () => {
  it('is not answered even when the rest of the question matches a fact', () => {
    for (const q of [
      'where will the next forum be held?',
      'сколько человек пришло на форум',
      '第五届论坛什么时候开',
    ])
      expect(answered(q)).not.toMatch(/^forum-|^agreements|^speakers/);
  });

  it('does not stop the facts themselves from being answered', () => {
    expect(answered('which edition is this forum?')).toBe('forum-history');
    expect(answered('who took part in the forum?')).toBe('forum-participants');
  });
});

describe('an entry that never mentions what the question names', () => {
  it('is not answered on the strength of the other words alone', () => {
    // "открывается" matches the forum's opening; the forum-date entry never mentions the library.
    expect(answered('во сколько открывается Ленинка')).not.toBe('forum-date');
  });

  it('is still answered when its answer mentions the name', () => {
    expect(answered('when did the forum in Moscow open')).toBe('forum-date');
  });
});

describe('a reply language asked for in the message', () => {
  it("wins over the user's choice and is not matched as part of the question", () => {
    const result = engine.ask('кто выступал на форуме? ответь по-английски', { lang: 'zh' });
    expect(result.kind === 'answer' && result.entry.id).toBe('speakers-overview');
    expect(result.lang).toBe('en');
    expect(result.requested).toBe('en');
  });

  it('is not there when the message does not ask for one', () => {
    expect(engine.ask('кто выступал на форуме?').requested).toBeUndefined();
  });
});

describe('an entry none of whose questions asks what is asked (where, when, who)', () => {
  it('does not answer it on the strength of the other words', () => {
    // The history entry tells when the first forum was, never where.
    for (const q of [
      'in which city was the first forum in 2023',
      'в каком городе прошёл первый форум в 2023',
      '2023年第一届论坛在哪个城市',
    ])
      expect(answered(q)).not.toBe('forum-history');
  });

  it('still answers what its questions do ask', () => {
    expect(answered('when was the first forum?')).toBe('forum-history');
    expect(answered('who signed the agreements')).toBe('agreements-overview');
  });
});

describe('chat shorthand', () => {
  it('is read like the words it stands for', () => {
    expect(answered('smth abt the 75 yrs of relations')).toBe('diplomatic-anniversary');
    expect(answered('мб расскажешь про соглашения')).toBe('agreements-overview');
  });
});

describe('a greeting before a question', () => {
  it('steps aside, however short the question after it', () => {
    expect(answered('hiii, tell me about the forum please')).toBe('forum-overview');
    expect(answered('здравствуйте! расскажите о форуме')).toBe('forum-overview');
    expect(answered('您好，请介绍一下这个论坛')).toBe('forum-overview');
  });

  it('is still answered as a greeting on its own', () => {
    expect(answered('hello there')).toBe('chitchat-greeting');
    expect(answered('добрый вечер')).toBe('chitchat-greeting');
  });
});

describe('thanks for something the knowledge base has no word for', () => {
  it('is thanks', () => {
    expect(answered('thank you so much for the detailed explanation')).toBe('chitchat-thanks');
    expect(answered('спасибо большое за подробное объяснение')).toBe('chitchat-thanks');
    expect(answered('谢谢你的耐心解释')).toBe('chitchat-thanks');
  });

  it('while the same unknown words without thanks are still not answered', () => {
    expect(answered('the detailed explanation')).toBe('notFound');
  });
});

describe('a known Chinese question typed with one slip', () => {
  it('is that question', () => {
    expect(answered('手都图书馆签的协议是什么')).toBe('agreement-far-eastern-capital');
    expect(answered('中俄问化年是怎么来的')).toBe('culture-year');
  });
});

describe('questions typed in another script', () => {
  it('reads Russian typed in Latin letters', () => {
    expect(answered('kto vystupal na forume')).toBe('speakers-overview');
    expect(answered('kakie soglasheniya podpisali')).toBe('agreements-overview');
  });

  it('reads Chinese typed as pinyin', () => {
    expect(answered('zhong e tushuguan luntan shenme shihou kaimu')).toBe('forum-date');
    expect(engine.ask('zhong e tushuguan luntan shenme shihou kaimu').lang).toBe('zh');
  });

  it('replies in the language typed in Latin letters, told by the words the knowledge base reads', () => {
    // Few common grammar words here: "soglasheniya", "podpisany", "shuole" are known only as Russian
    // or Chinese words of the knowledge base.
    expect(engine.ask('kakie soglasheniya byli podpisany').lang).toBe('ru');
    expect(engine.ask('zhang dashi shuole shenme').lang).toBe('zh');
    // Names and quoted titles inside English, or beside Chinese, do not change the language.
    expect(engine.ask('Zhang Hanhui speech').lang).toBe('en');
    expect(engine.ask('when did God kultury Rossii i Kitaya start?').lang).toBe('en');
    expect(engine.ask('Dalnevostochnaya biblioteka 和首图签了啥').lang).toBe('zh');
  });

  it('tells a one-word message by that word when it is long enough to be sure', () => {
    expect(engine.ask('privet').lang).toBe('ru');
    expect(engine.ask('nihao').lang).toBe('zh');
    // "data" reads as дата and as pinyin, "yo" as е: too short to tell, so English.
    expect(engine.ask('data').lang).toBe('en');
    expect(engine.ask('yo').lang).toBe('en');
  });
});

describe('phrases made only of common words', () => {
  it('still say what is asked ("what for", "что за", "怎么回事")', () => {
    expect(answered('the agreements, what for?')).toBe('agreements-aims');
    expect(answered('что за соглашения подписали')).toBe('agreements-overview');
    expect(answered('这个论坛是怎么回事')).toBe('forum-overview');
  });
});
