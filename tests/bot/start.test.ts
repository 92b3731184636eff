import { describe, expect, it } from 'vitest';
import { createHarness, realEngine, textMessage, tr } from './helpers.js';

const { engine } = realEngine();
const topicLabels = (lang: 'zh' | 'ru' | 'en') => engine.topics.map((t) => t.label[lang]);

describe('/start', () => {
  it('welcomes in the language of the Telegram client, with topic buttons in that language', async () => {
    const h = createHarness();
    await h.handle(textMessage('/start', { id: 1, language_code: 'ru' }));
    const [reply] = h.seen();
    expect(reply?.text).toBe(tr('ru', 'start.welcome'));
    expect(reply?.buttons.map((b) => b.text)).toEqual(topicLabels('ru'));
  });

  it('reduces language_code to its primary subtag (zh-hans -> zh)', async () => {
    const h = createHarness();
    await h.handle(textMessage('/start', { id: 1, language_code: 'zh-hans' }));
    expect(h.seen()[0]?.text).toBe(tr('zh', 'start.welcome'));
    expect(h.seen()[0]?.buttons.map((b) => b.text)).toEqual(topicLabels('zh'));
  });

  it('falls back to DEFAULT_LANG for a language it does not speak', async () => {
    const h = createHarness({ defaultLang: 'ru' });
    await h.handle(textMessage('/start', { id: 1, language_code: 'de' }));
    expect(h.seen()[0]?.text).toBe(tr('ru', 'start.welcome'));
  });

  it('opens a topic from a deep link (/start agreements)', async () => {
    const h = createHarness();
    await h.handle(textMessage('/start agreements', { id: 1, language_code: 'en' }));
    const overview = engine.entry('agreements-overview');
    expect(h.seen()).toHaveLength(1);
    expect(h.seen()[0]?.text).toContain(overview?.i18n.en.answer);
  });

  it('sets the language from a deep link (/start lang_ru), and the choice then wins over the question', async () => {
    const h = createHarness();
    const user = { id: 7, language_code: 'en' };
    await h.handle(textMessage('/start lang_ru', user));
    expect(await h.store.getLang(7)).toBe('ru');
    expect(h.seen()[0]?.text).toBe(tr('ru', 'start.welcome'));

    h.clear();
    await h.handle(textMessage('When did the forum open?', user));
    expect(h.seen()[0]?.text).toContain(engine.entry('forum-date')?.i18n.ru.answer);
  });

  it('ignores an unknown payload and just welcomes', async () => {
    const h = createHarness();
    await h.handle(textMessage('/start something-else', { id: 1, language_code: 'en' }));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'start.welcome')]);
  });
});

describe('/help, /about, /topics and the topic commands', () => {
  it('/help explains the bot in the user language', async () => {
    const h = createHarness();
    await h.handle(textMessage('/help', { id: 1, language_code: 'zh' }));
    expect(h.seen()[0]?.text).toBe(tr('zh', 'help.text'));
  });

  it('/about says how many facts it knows', async () => {
    const h = createHarness();
    const { knowledge } = realEngine();
    const facts = knowledge.entries.filter((e) => e.topic !== 'chitchat').length;
    await h.handle(textMessage('/about', { id: 1, language_code: 'en' }));
    expect(h.seen()[0]?.text).toBe(tr('en', 'about.text', { count: facts }));
    expect(h.seen()[0]?.text).toContain(String(facts));
  });

  it('/topics lists the topics as buttons that open each overview', async () => {
    const h = createHarness();
    await h.handle(textMessage('/topics', { id: 1, language_code: 'en' }));
    const reply = h.seen()[0];
    expect(reply?.text).toBe(tr('en', 'topics.title'));
    expect(reply?.buttons.map((b) => b.text)).toEqual(topicLabels('en'));
    expect(reply?.buttons.map((b) => b.data)).toEqual(engine.topics.map((t) => `e:en:${t.entry}`));
  });

  it.each([
    ['/agreements', 'agreements-overview'],
    ['/speakers', 'speakers-overview'],
  ])('%s answers with the overview entry', async (command, id) => {
    const h = createHarness();
    await h.handle(textMessage(command, { id: 1, language_code: 'ru' }));
    const entry = engine.entry(id);
    expect(h.seen()[0]?.text).toBe(`${entry?.i18n.ru.title}\n\n${entry?.i18n.ru.answer}`);
  });
});
