import { describe, expect, it } from 'vitest';
import { createLiveEngine, knowledgeBuilder } from '../../src/knowledge/live.js';
import {
  addQuestion,
  copyKnowledge,
  NEW_QUESTION,
  NEW_QUESTION_ENTRY,
  overwriteEntry,
} from '../support/knowledge-copy.js';
import { tempDirs } from '../support/temp-dirs.js';
import { BOT_INFO, createHarness, inlineQuery, realEngine, textMessage, tr } from './helpers.js';

const ADMIN = { id: 4242, language_code: 'en' };
const OTHER = { id: 5151, language_code: 'en' };
const tempDir = tempDirs('forum-bot-reload-');
const { engine } = realEngine();
const answer = (id: string, lang: 'en' | 'ru' | 'zh' = 'en') => engine.entry(id)?.i18n[lang].answer ?? '';

/** A bot over a copy of knowledge/ that /reload reads again. */
async function reloadableBot() {
  const dir = copyKnowledge(tempDir());
  const live = await createLiveEngine({ build: knowledgeBuilder(dir) });
  const h = createHarness({ live, deps: { adminIds: [ADMIN.id] } });
  return { dir, live, h };
}

describe('/reload', () => {
  it('lets an admin reload an edited file: the new alternate question is answered, no restart', async () => {
    const { dir, live, h } = await reloadableBot();
    await h.handle(textMessage(NEW_QUESTION, OTHER));
    expect(h.seen()[0]?.text).not.toContain(answer(NEW_QUESTION_ENTRY));

    addQuestion(dir, NEW_QUESTION_ENTRY, 'en', NEW_QUESTION);
    h.clear();
    await h.handle(textMessage('/reload', { ...ADMIN, language_code: 'ru' }));
    const { version } = live.current().knowledge;
    expect(h.seen().map((m) => m.text)).toEqual([tr('ru', 'reload.done', { version, count: 23 })]);

    h.clear();
    await h.handle(textMessage(NEW_QUESTION, OTHER));
    expect(h.seen()[0]?.text).toContain(answer(NEW_QUESTION_ENTRY));
  });

  it('answers the new question in groups and inline mode too once reloaded', async () => {
    const { dir, h } = await reloadableBot();
    const group = { id: -100777, type: 'supergroup' as const };
    const inlineIds = () =>
      ((h.callsOf('answerInlineQuery').at(-1)?.payload.results ?? []) as Array<{ id: string }>).map(
        (r) => r.id,
      );
    await h.handle(textMessage(`@${BOT_INFO.username} ${NEW_QUESTION}`, OTHER, group));
    await h.handle(inlineQuery(NEW_QUESTION, OTHER));
    expect(h.seen()[0]?.text).not.toContain(answer(NEW_QUESTION_ENTRY));
    expect(inlineIds()).not.toContain(`en:${NEW_QUESTION_ENTRY}`);

    addQuestion(dir, NEW_QUESTION_ENTRY, 'en', NEW_QUESTION);
    await h.handle(textMessage('/reload', ADMIN));
    h.clear();
    await h.handle(textMessage(`@${BOT_INFO.username} ${NEW_QUESTION}`, OTHER, group));
    await h.handle(inlineQuery(NEW_QUESTION, OTHER));
    expect(h.seen()[0]?.text).toContain(answer(NEW_QUESTION_ENTRY));
    expect(inlineIds()[0]).toBe(`en:${NEW_QUESTION_ENTRY}`);
  });

  it('answers every update that arrives while reloading, each from one knowledge base', async () => {
    const { dir, h } = await reloadableBot();
    addQuestion(dir, NEW_QUESTION_ENTRY, 'en', NEW_QUESTION);
    const users = Array.from({ length: 20 }, (_, i) => ({ id: 9000 + i, language_code: 'en' }));
    await Promise.all([
      ...users.slice(0, 10).map((u) => h.handle(textMessage('When did the forum open?', u))),
      h.handle(textMessage('/reload', ADMIN)),
      ...users.slice(10).map((u) => h.handle(textMessage('When did the forum open?', u))),
    ]);
    for (const user of users) {
      const replies = h.seen().filter((m) => m.chatId === user.id);
      expect(replies, `user ${user.id}`).toHaveLength(1);
      expect(replies[0]?.text).toContain(answer('forum-date'));
    }
    h.clear();
    await h.handle(textMessage(NEW_QUESTION, OTHER));
    expect(h.seen()[0]?.text).toContain(answer(NEW_QUESTION_ENTRY));
  });

  it('refuses a broken file with the loader message, and the old answers keep coming', async () => {
    const { dir, h, live } = await reloadableBot();
    const before = live.current().knowledge.version;
    overwriteEntry(
      dir,
      'forum-venue',
      '{\n  "id": "forum-venue",\n  "topic": "forum"\n  "kind": "fact"\n}\n',
    );
    await h.handle(textMessage('/reload', { ...ADMIN, language_code: 'zh' }));
    const [reply] = h.seen().map((m) => m.text);
    const error = /\S*forum-venue\.json:4:3: not valid JSON: .*/.exec(reply ?? '')?.[0];
    expect(error, reply).toBeDefined();
    expect(reply).toBe(tr('zh', 'reload.failed', { error }));
    expect(live.current().knowledge.version).toBe(before);

    h.clear();
    await h.handle(textMessage('Where was the forum held?', OTHER));
    expect(h.seen()[0]?.text).toContain(answer('forum-venue'));
  });

  it('names the JSON path of a file that breaks the schema', async () => {
    const { dir, h } = await reloadableBot();
    const original = JSON.parse(overwriteEntry(dir, 'forum-date', '')) as Record<string, unknown>;
    overwriteEntry(dir, 'forum-date', JSON.stringify({ ...original, related: ['no-such-entry'] }));
    await h.handle(textMessage('/reload', ADMIN));
    expect(h.seen()[0]?.text).toContain(
      'forum-date.json: at related[0]: no entry has the id "no-such-entry"',
    );
  });

  it('is an unknown command for anyone else, and in groups, and reloads nothing', async () => {
    const { dir, h, live } = await reloadableBot();
    const before = live.current();
    addQuestion(dir, NEW_QUESTION_ENTRY, 'en', NEW_QUESTION);
    await h.handle(textMessage('/reload', OTHER));
    await h.handle(textMessage('/reload@ForumFaqBot', ADMIN, { id: -100123, type: 'supergroup' }));
    expect(h.seen().map((m) => m.text)).toEqual([
      tr('en', 'bot.unknownCommand', { command: '/reload' }),
      tr('en', 'bot.unknownCommand', { command: '/reload' }),
    ]);
    expect(live.current()).toBe(before);
  });
});
