import { describe, expect, it } from 'vitest';
import { buttonPress, createHarness, realEngine, tr } from './helpers.js';

const { engine } = realEngine();

describe('stale and forged buttons', () => {
  it.each([
    'e:en:no-such-entry',
    's:en:no-such-entry',
    'e:de:forum-date',
    'garbage',
    'e:en:forum-date:and-more',
    '',
    'l:xx',
  ])('%j gets a polite toast and nothing else', async (data) => {
    const h = createHarness();
    await h.handle(buttonPress(data, { id: 1, language_code: 'ru' }));
    expect(h.toasts()).toEqual([tr('ru', 'bot.staleButton')]);
    expect(h.seen()).toEqual([]);
    expect(h.logs.filter((l) => Number(l.level) >= 50)).toEqual([]);
  });

  it('a callback query without data (e.g. a game button) gets the same toast', async () => {
    const h = createHarness();
    const update = buttonPress('x', { id: 1, language_code: 'en' });
    delete (update as { callback_query: { data?: string } }).callback_query.data;
    await h.handle(update);
    expect(h.toasts()).toEqual([tr('en', 'bot.staleButton')]);
  });

  it('every button press is answered exactly once (no spinning button)', async () => {
    const h = createHarness();
    for (const data of ['e:en:forum-date', 's:en:forum-date', 'l:zh', 'bogus']) {
      h.clear();
      await h.handle(buttonPress(data, { id: 3, language_code: 'en' }));
      expect(h.callsOf('answerCallbackQuery')).toHaveLength(1);
    }
  });

  it('a stored choice wins over the language baked into an old button', async () => {
    const h = createHarness();
    await h.store.setLang(4, 'zh');
    await h.handle(buttonPress('e:en:forum-date', { id: 4, language_code: 'en' }));
    expect(h.seen()[0]?.text).toContain(engine.entry('forum-date')?.i18n.zh.answer);
  });
});
