import { describe, expect, it } from 'vitest';
import type { Engine, EngineResult } from '../../src/engine/types.js';
import {
  buttonPress,
  createHarness,
  mediaMessage,
  realEngine,
  telegramHtmlProblem,
  textMessage,
  tr,
} from './helpers.js';

const { engine, knowledge } = realEngine();
const en = { id: 1, language_code: 'en' };

const asked = { lang: 'en', detected: 'en', score: 0.4 } as const;

/** The real engine, except that ask() returns a fixed result. */
function engineAnswering(result: EngineResult): Engine {
  return { ...engine, ask: () => result };
}

describe('answers', () => {
  it('shows the title in bold and the answer, with related follow-ups and a source button', async () => {
    const h = createHarness();
    await h.handle(textMessage('What agreements were signed?', en));
    const entry = engine.entry('agreements-overview');
    const reply = h.seen()[0];
    expect(reply?.html.startsWith(`<b>${entry?.i18n.en.title}</b>\n\n`)).toBe(true);
    expect(reply?.text).toContain(entry?.i18n.en.answer);
    expect(reply?.payload.parse_mode).toBe('HTML');
    const relatedTitles = entry?.related.map((id) => engine.entry(id)?.i18n.en.title);
    expect(reply?.buttons.map((b) => b.text)).toEqual(
      expect.arrayContaining(relatedTitles?.slice(0, 4) ?? []),
    );
    expect(reply?.buttons.at(-3)).toEqual({
      text: tr('en', 'bot.sourceButton'),
      data: 's:en:agreements-overview',
    });
    // The last row rates the answer.
    expect(reply?.buttons.slice(-2)).toEqual([
      { text: tr('en', 'feedback.up'), data: 'u:en:agreements-overview' },
      { text: tr('en', 'feedback.down'), data: 'd:en:agreements-overview' },
    ]);
  });

  it('the source button quotes the article sentence(s) the answer comes from', async () => {
    const h = createHarness();
    await h.handle(buttonPress('s:en:agreements-overview', en));
    const entry = engine.entry('agreements-overview');
    const reply = h.seen()[0];
    expect(reply?.text.startsWith(tr('en', 'ask.source'))).toBe(true);
    for (const sentence of entry?.source ?? []) expect(reply?.text).toContain(sentence);
    expect(telegramHtmlProblem(reply?.html ?? '')).toBeNull();
    expect(h.callsOf('answerCallbackQuery')).toHaveLength(1);
  });

  it('a follow-up button answers that entry in the language of the message it was under', async () => {
    const h = createHarness();
    await h.handle(buttonPress('e:ru:forum-date', { id: 2, language_code: 'en' }));
    expect(h.seen()[0]?.text).toContain(engine.entry('forum-date')?.i18n.ru.answer);
  });

  it('"did you mean" offers the suggestions as buttons, and pressing one answers it', async () => {
    const suggestions = ['forum-date', 'forum-venue', 'forum-overview'].map((id, i) => ({
      id,
      title: engine.entry(id)?.i18n.en.title ?? '',
      score: 0.4 - i / 100,
    }));
    const h = createHarness({ engine: engineAnswering({ ...asked, kind: 'suggestions', suggestions }) });
    await h.handle(textMessage('forum when where', en));
    const reply = h.seen()[0];
    expect(reply?.text).toBe(tr('en', 'ask.didYouMean'));
    expect(reply?.buttons.map((b) => b.text)).toEqual(suggestions.map((s) => s.title));

    h.clear();
    await h.handle(buttonPress(reply?.buttons[1]?.data ?? '', en));
    expect(h.seen()[0]?.text).toContain(engine.entry('forum-venue')?.i18n.en.answer);
  });

  it('out of scope: the localized fallback with the topic buttons', async () => {
    const h = createHarness({ engine: engineAnswering({ ...asked, kind: 'notFound', suggestions: [] }) });
    await h.handle(textMessage('how do I bake bread', en));
    const reply = h.seen()[0];
    expect(reply?.text).toBe(tr('en', 'ask.notFound'));
    expect(reply?.buttons.map((b) => b.text)).toEqual(engine.topics.map((t) => t.label.en));
  });

  it('a venue question also gets a map pin of the Pashkov House, named in the reply language', async () => {
    const h = createHarness();
    await h.store.setLang(1, 'ru');
    await h.handle(textMessage('Where was the forum held?', en));
    expect(h.seen()[0]?.text).toContain(engine.entry('forum-venue')?.i18n.ru.answer);
    const venue = h.callsOf('sendVenue')[0]?.payload;
    expect(venue).toMatchObject({
      latitude: 55.7495,
      longitude: 37.6094,
      title: 'Пашков дом Российской государственной библиотеки',
      address: 'ул. Воздвиженка, 3/5, Москва',
    });
  });

  it('when the optional calls fail (sendVenue, sendChatAction), the answer still goes out', async () => {
    const h = createHarness({ failing: ['sendVenue', 'sendChatAction'] });
    await h.handle(textMessage('Where was the forum held?', en));
    expect(h.seen()[0]?.text).toContain(engine.entry('forum-venue')?.i18n.en.answer);
    const warnings = h.logs.filter((l) => l.msg === 'optional Telegram call failed').map((l) => l.method);
    expect(warnings).toEqual(expect.arrayContaining(['sendVenue', 'sendChatAction']));
    expect(h.logs.some((l) => l.level === 50)).toBe(false);
  });

  it('a question full of stray HTML gets a valid HTML answer', async () => {
    const h = createHarness();
    await h.handle(textMessage('<b>When</b> did the forum <script>open</script>? & </i>', en));
    const reply = h.seen()[0];
    expect(reply).toBeDefined();
    expect(telegramHtmlProblem(reply?.html ?? '')).toBeNull();
    expect(reply?.html).not.toContain('<script>');
  });

  it('splits a long answer at 4096 characters on paragraph boundaries, buttons under the last part', async () => {
    const entry = engine.entry('forum-date');
    if (!entry) throw new Error('forum-date missing');
    const paragraph = `${'Long & <odd> text. '.repeat(60).trim()}`;
    const long = {
      ...entry,
      i18n: { ...entry.i18n, en: { ...entry.i18n.en, answer: Array(8).fill(paragraph).join('\n\n') } },
    };
    const h = createHarness({
      engine: engineAnswering({ ...asked, kind: 'answer', entry: long, also: [], alternatives: [] }),
    });
    await h.handle(textMessage('when', en));
    const parts = h.seen();
    expect(parts.length).toBeGreaterThan(1);
    for (const part of parts) {
      expect(part.html.length).toBeLessThanOrEqual(4096);
      expect(telegramHtmlProblem(part.html)).toBeNull();
    }
    expect(parts.slice(0, -1).every((p) => p.buttons.length === 0)).toBe(true);
    expect(parts.at(-1)?.buttons.length).toBeGreaterThan(0);
    const shown = parts.map((p) => p.text).join('\n\n');
    expect(shown).toBe(`${entry.i18n.en.title}\n\n${long.i18n.en.answer}`);
  });

  it('reads only the start of a very long message and says so in the first line of the one reply', async () => {
    const h = createHarness();
    await h.handle(textMessage(`When did the forum open? ${'x '.repeat(800)}`, en));
    const [reply, ...more] = h.seen();
    expect(more).toEqual([]);
    expect(reply?.html.startsWith(`<i>${tr('en', 'ask.truncated', { max: 1000 })}</i>\n\n`)).toBe(true);
    expect(telegramHtmlProblem(reply?.html ?? '')).toBeNull();
  });
});

describe('other messages', () => {
  it.each(['sticker', 'photo', 'voice'] as const)('a %s gets a short hint', async (kind) => {
    const h = createHarness();
    await h.handle(mediaMessage(kind, { id: 1, language_code: 'ru' }));
    expect(h.seen().map((m) => m.text)).toEqual([tr('ru', 'bot.nonText')]);
  });

  it('an unknown command gets a hint naming it', async () => {
    const h = createHarness();
    await h.handle(textMessage('/weather', en));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'bot.unknownCommand', { command: '/weather' })]);
  });

  it('in a private chat, a command addressed to another bot still gets a hint naming it', async () => {
    const h = createHarness();
    await h.handle(textMessage('/start@someone', en));
    expect(h.seen().map((m) => m.text)).toEqual([
      tr('en', 'bot.unknownCommand', { command: '/start@someone' }),
    ]);
  });

  it('answers chit-chat from the knowledge base', async () => {
    const h = createHarness();
    await h.handle(textMessage('Thank you!', en));
    const thanks = knowledge.entries.find((e) => e.id === 'chitchat-thanks');
    expect(h.seen()[0]?.text).toContain(thanks?.i18n.en.answer);
  });
});

describe('follow-up questions', () => {
  it('are understood from the answer the same user was just given', async () => {
    const h = createHarness();
    await h.handle(textMessage('Who is Zhang Hanhui?', en));
    await h.handle(textMessage('what did he say?', en));
    const zhang = engine.entry('speaker-zhang-hanhui');
    expect(h.seen()[1]?.text).toContain(zhang?.i18n.en.answer);
  });

  it('are not borrowed from another user', async () => {
    const h = createHarness();
    await h.handle(textMessage('Who is Zhang Hanhui?', en));
    await h.handle(textMessage('what did he say?', { id: 2, language_code: 'en' }));
    const zhang = engine.entry('speaker-zhang-hanhui');
    expect(h.seen()[1]?.text).not.toContain(zhang?.i18n.en.answer);
  });
});
