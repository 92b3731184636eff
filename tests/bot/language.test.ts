import { describe, expect, it } from 'vitest';
import { primaryLang } from '../../src/bot/middleware/locale.js';
import { buttonPress, createHarness, realEngine, textMessage, tr } from './helpers.js';

const { engine } = realEngine();
const forumDate = engine.entry('forum-date');

describe('primaryLang', () => {
  it.each([
    ['zh-hans', 'zh'],
    ['zh-TW', 'zh'],
    ['ru', 'ru'],
    ['en-GB', 'en'],
    ['pt-br', undefined],
    [undefined, undefined],
  ])('%s -> %s', (code, lang) => {
    expect(primaryLang(code)).toBe(lang);
  });
});

describe('/lang', () => {
  it('offers 中文 / Русский / English as buttons', async () => {
    const h = createHarness();
    await h.handle(textMessage('/lang', { id: 1, language_code: 'en' }));
    const reply = h.seen()[0];
    expect(reply?.text).toBe(tr('en', 'language.choose'));
    expect(reply?.buttons.map((b) => b.text)).toEqual(['中文', 'Русский', 'English']);
  });

  it('pressing Русский stores the choice, confirms in Russian and replaces the menu', async () => {
    const h = createHarness();
    const user = { id: 11, language_code: 'en' };
    await h.handle(textMessage('/lang', user));
    const ru = h.seen()[0]?.buttons.find((b) => b.text === 'Русский');
    h.clear();
    await h.handle(buttonPress(ru?.data ?? '', user));
    expect(await h.store.getLang(11)).toBe('ru');
    expect(h.toasts()).toEqual([tr('ru', 'language.changed')]);
    expect(h.callsOf('editMessageText')[0]?.payload.text).toBe(tr('ru', 'language.changed'));
  });

  it('marks the current choice in the menu', async () => {
    const h = createHarness();
    const user = { id: 12, language_code: 'en' };
    await h.store.setLang(12, 'zh');
    await h.handle(textMessage('/lang', user));
    expect(h.seen()[0]?.buttons.map((b) => b.text)).toContain(
      tr('zh', 'language.selected', { name: '中文' }),
    );
  });

  it.each([
    ['/lang ru', 'ru'],
    ['/lang ZH', 'zh'],
    ['/lang en-US', 'en'],
    ['/lang Русский', 'ru'],
    ['/lang 中文', 'zh'],
  ] as const)('%s sets the language', async (command, lang) => {
    const h = createHarness();
    await h.handle(textMessage(command, { id: 3, language_code: 'en' }));
    expect(await h.store.getLang(3)).toBe(lang);
    expect(h.seen()[0]?.text).toBe(tr(lang, 'language.changed'));
  });

  it('an unknown language is named back, escaped, with the menu', async () => {
    const h = createHarness();
    await h.handle(textMessage('/lang <b>klingon</b>&', { id: 3, language_code: 'en' }));
    const reply = h.seen()[0];
    expect(await h.store.getLang(3)).toBeUndefined();
    expect(reply?.html).toContain('&lt;b&gt;klingon&lt;/b&gt;&amp;');
    expect(reply?.text).toBe(tr('en', 'language.unknown', { value: '<b>klingon</b>&' }));
    expect(reply?.buttons).toHaveLength(3);
  });
});

describe('a reply language asked for in words', () => {
  it('alone, switches the language as /lang does', async () => {
    const h = createHarness();
    await h.handle(textMessage('по-английски, пожалуйста', { id: 7, language_code: 'ru' }));
    expect(await h.store.getLang(7)).toBe('en');
    expect(h.seen()[0]?.text).toBe(tr('en', 'language.changed'));
  });

  it('with a question, answers in that language and keeps it for the next questions', async () => {
    const h = createHarness();
    await h.handle(textMessage('Когда открылся форум? Ответь по-китайски', { id: 8, language_code: 'ru' }));
    expect(h.seen()[0]?.text).toContain(forumDate?.i18n.zh.answer);
    expect(await h.store.getLang(8)).toBe('zh');
    await h.handle(textMessage('When did the forum open?', { id: 8, language_code: 'ru' }));
    expect(h.seen().at(-1)?.text).toContain(forumDate?.i18n.zh.answer);
  });
});

describe('reply language order', () => {
  it('without a choice, the question language beats language_code', async () => {
    const h = createHarness();
    await h.handle(textMessage('When did the forum open?', { id: 1, language_code: 'ru' }));
    expect(h.seen()[0]?.text).toContain(forumDate?.i18n.en.answer);
    // Buttons follow the reply language.
    const related = forumDate?.related.map((id) => engine.entry(id)?.i18n.en.title);
    expect(h.seen()[0]?.buttons.map((b) => b.text)).toEqual(expect.arrayContaining(related ?? []));
    expect(h.seen()[0]?.buttons.every((b) => b.data.split(':')[1] === 'en')).toBe(true);
  });

  it('the explicit choice beats the question language', async () => {
    const h = createHarness();
    await h.store.setLang(5, 'zh');
    await h.handle(textMessage('When did the forum open?', { id: 5, language_code: 'ru' }));
    expect(h.seen()[0]?.text).toContain(forumDate?.i18n.zh.answer);
    expect(
      h
        .seen()
        .at(-1)
        ?.buttons.find((b) => b.data.startsWith('s:'))?.text,
    ).toBe(tr('zh', 'bot.sourceButton'));
  });

  it('a question without letters falls back to language_code', async () => {
    const h = createHarness();
    await h.handle(textMessage('?!', { id: 1, language_code: 'ru' }));
    expect(h.seen()[0]?.text).toBe(tr('ru', 'ask.notFound'));
  });

  it('the choice is per user, also in groups', async () => {
    const h = createHarness();
    await h.store.setLang(21, 'ru');
    const group = { id: -100, type: 'supergroup' as const };
    await h.handle(textMessage('/topics', { id: 21, language_code: 'en' }, group));
    await h.handle(textMessage('/topics', { id: 22, language_code: 'en' }, group));
    expect(h.seen().map((m) => m.text)).toEqual([tr('ru', 'topics.title'), tr('en', 'topics.title')]);
  });
});
