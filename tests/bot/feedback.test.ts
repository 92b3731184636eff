import type { InlineKeyboardMarkup } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import type { Engine, EngineResult } from '../../src/engine/types.js';
import { createMemoryFeedbackStore, type FeedbackStore } from '../../src/store/feedback.js';
import { buttonPress, createHarness, type Harness, realEngine, textMessage, tr } from './helpers.js';

const { engine } = realEngine();
// A user id and a chat id that must never reach the log.
const USER = { id: 987_654_321, language_code: 'en' };
const GROUP = { id: -100_555_444_333, type: 'supergroup' as const };

/** The real engine, except that ask() returns a fixed result. */
const engineAnswering = (result: EngineResult): Engine => ({ ...engine, ask: () => result });

/** Asks a question and returns the answer's keyboard as Telegram would hand it back on a button press. */
async function answerKeyboard(h: Harness, question: string): Promise<InlineKeyboardMarkup> {
  await h.handle(textMessage(question, USER));
  const markup = h.callsOf('sendMessage').at(-1)?.payload.reply_markup as InlineKeyboardMarkup | undefined;
  if (!markup) throw new Error('the answer has no keyboard');
  return markup;
}

const dataOf = (markup: unknown) =>
  ((markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [])
    .flat()
    .map((b) => ('callback_data' in b ? b.callback_data : ''));

describe('the unanswered-question log', () => {
  it('logs an out-of-scope question with its language, score, kind and time, and nothing about the user', async () => {
    const h = createHarness();
    const before = Date.now();
    await h.handle(textMessage('What is the price of bitcoin today?', USER));
    expect(h.seen()[0]?.text).toBe(tr('en', 'ask.notFound'));

    const logged = await h.feedback.unanswered();
    expect(logged).toHaveLength(1);
    const [entry] = logged;
    expect(Object.keys(entry ?? {}).sort()).toEqual(['at', 'kind', 'lang', 'score', 'text']);
    expect(entry).toMatchObject({
      text: 'What is the price of bitcoin today?',
      lang: 'en',
      kind: 'notFound',
    });
    expect(entry?.at).toBeGreaterThanOrEqual(before);
    expect(entry?.score === null || typeof entry?.score === 'number').toBe(true);
    expect(JSON.stringify(logged)).not.toContain(String(USER.id));
  });

  it('logs a group question without the mention, the chat or the user', async () => {
    const h = createHarness({
      engine: engineAnswering({ lang: 'en', detected: 'en', score: 0.1, kind: 'notFound', suggestions: [] }),
    });
    await h.handle(textMessage('@ForumFaqBot where can I buy a library card?', USER, GROUP));
    const logged = await h.feedback.unanswered();
    expect(logged.map((q) => q.text)).toEqual(['where can I buy a library card?']);
    const dump = JSON.stringify(logged);
    expect(dump).not.toContain(String(USER.id));
    expect(dump).not.toContain(String(GROUP.id));
  });

  it('logs "did you mean" replies as suggestions', async () => {
    const suggestions = [{ id: 'forum-date', title: 'Date', score: 0.3 }];
    const h = createHarness({
      engine: engineAnswering({ lang: 'ru', detected: 'ru', score: 0.3, kind: 'suggestions', suggestions }),
    });
    await h.handle(textMessage('форум что когда', USER));
    expect(await h.feedback.unanswered()).toEqual([
      { text: 'форум что когда', lang: 'ru', score: 0.3, kind: 'suggestions', at: expect.any(Number) },
    ]);
  });

  it('does not log answered questions', async () => {
    const h = createHarness();
    await h.handle(textMessage('When did the forum open?', USER));
    expect(h.seen()[0]?.text).toContain(engine.entry('forum-date')?.i18n.en.answer);
    expect(await h.feedback.unanswered()).toEqual([]);
  });

  it('a failing log does not stop the answer; the failure is logged as a warning', async () => {
    const broken: FeedbackStore = {
      ...createMemoryFeedbackStore(),
      logUnanswered: () => {
        throw new Error('disk full');
      },
    };
    const h = createHarness({ feedback: broken });
    await h.handle(textMessage('What is the price of bitcoin today?', USER));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'ask.notFound')]);
    expect(h.logs.filter((l) => l.msg === 'could not log an unanswered question')).toHaveLength(1);
    expect(h.logs.some((l) => Number(l.level) >= 50)).toBe(false);
  });
});

describe('👍 / 👎 under answers', () => {
  it('every answer carries a localized vote row; small talk and "I don\'t know" do not', async () => {
    const h = createHarness();
    await h.store.setLang(USER.id, 'ru');
    await h.handle(textMessage('Where was the forum held?', USER));
    const answer = h.seen()[0];
    expect(answer?.buttons.slice(-2)).toEqual([
      { text: tr('ru', 'feedback.up'), data: 'u:ru:forum-venue' },
      { text: tr('ru', 'feedback.down'), data: 'd:ru:forum-venue' },
    ]);

    h.clear();
    await h.handle(textMessage('Hello!', USER));
    await h.handle(textMessage('What is the price of bitcoin today?', USER));
    for (const reply of h.seen()) expect(reply.buttons.filter((b) => /^[ud]:/.test(b.data))).toEqual([]);
  });

  it('pressing 👍 counts one vote, thanks the user and removes only the vote buttons', async () => {
    const h = createHarness();
    const markup = await answerKeyboard(h, 'What agreements were signed?');
    const before = dataOf(markup);
    h.clear();

    await h.handle(buttonPress('u:en:agreements-overview', USER, markup));
    expect(await h.feedback.votes()).toEqual([{ entryId: 'agreements-overview', up: 1, down: 0 }]);
    expect(h.toasts()).toEqual([tr('en', 'feedback.thanksUp')]);
    const edit = h.callsOf('editMessageReplyMarkup');
    expect(edit).toHaveLength(1);
    expect(dataOf(edit[0]?.payload.reply_markup)).toEqual(before.filter((d) => !/^[ud]:/.test(d)));
    expect(dataOf(edit[0]?.payload.reply_markup)).toContain('s:en:agreements-overview');
    expect(h.seen()).toEqual([]);
  });

  it('pressing 👎 counts against the entry, with the toast in the language of the answer', async () => {
    const h = createHarness();
    await h.handle(buttonPress('d:zh:forum-date', { id: 8, language_code: 'en' }));
    expect(await h.feedback.votes()).toEqual([{ entryId: 'forum-date', up: 0, down: 1 }]);
    expect(h.toasts()).toEqual([tr('zh', 'feedback.thanksDown')]);
  });

  it('one message cannot be voted twice, even by a quick second tap before the buttons are gone', async () => {
    const h = createHarness();
    const markup = await answerKeyboard(h, 'Where was the forum held?');
    h.clear();
    await h.handle(buttonPress('u:en:forum-venue', USER, markup));
    await h.handle(buttonPress('d:en:forum-venue', USER, markup));
    expect(await h.feedback.votes()).toEqual([{ entryId: 'forum-venue', up: 1, down: 0 }]);
    expect(h.toasts()).toEqual([tr('en', 'feedback.thanksUp'), tr('en', 'bot.staleButton')]);
  });

  it.each([
    'u:en:no-such-entry',
    'u:en:chitchat-greeting',
    'd:xx:forum-date',
    'u:en:forum-date:twice',
    'u:en:Forum_Date',
    'u:en',
  ])('a stale or forged vote %j gets the polite toast and counts nothing', async (data) => {
    const h = createHarness();
    await h.handle(buttonPress(data, { id: 1, language_code: 'ru' }));
    expect(h.toasts()).toEqual([tr('ru', 'bot.staleButton')]);
    expect(await h.feedback.votes()).toEqual([]);
    expect(h.callsOf('editMessageReplyMarkup')).toEqual([]);
  });

  it('a failed edit of the buttons is logged, and the vote still counts', async () => {
    const h = createHarness({ failing: ['editMessageReplyMarkup'] });
    await h.handle(buttonPress('u:en:forum-date', USER));
    expect(await h.feedback.votes()).toEqual([{ entryId: 'forum-date', up: 1, down: 0 }]);
    expect(h.toasts()).toEqual([tr('en', 'feedback.thanksUp')]);
    const warning = h.logs.find((l) => l.msg === 'optional Telegram call failed');
    expect(warning?.method).toBe('editMessageReplyMarkup');
    expect(h.logs.some((l) => Number(l.level) >= 50)).toBe(false);
  });

  it('when the vote cannot be stored, the user is told and the buttons stay for another try', async () => {
    const broken: FeedbackStore = {
      ...createMemoryFeedbackStore(),
      recordVote: () => {
        throw new Error('database is locked');
      },
    };
    const h = createHarness({ feedback: broken });
    await h.handle(buttonPress('u:en:forum-date', USER));
    expect(h.toasts()).toEqual([tr('en', 'errors.internal')]);
    expect(h.callsOf('editMessageReplyMarkup')).toEqual([]);
    expect(h.logs.some((l) => l.msg === 'could not record a vote')).toBe(true);
  });
});
