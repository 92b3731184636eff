import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine, Lang } from '../../src/engine/types.js';
import { createI18n } from '../../src/i18n.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { openSqliteFeedbackReader } from '../../src/store/sqlite.js';
import { telegramHtmlProblem } from '../bot/helpers.js';
import { BotApiEmulator, type BotProcess, spawnBot, tempDir } from './harness.js';

// The secret part is distinctive so the test can check it never shows up in the output.
const TOKEN = '424242:e2e-SECRET-part_x';
const i18n = createI18n();
// Generous: CI machines run the other test files at the same time.
const POLL = { timeout: 8000, interval: 50 };
const TEST_TIMEOUT = 60_000;
const tr = (lang: Lang, key: string, options: Record<string, unknown> = {}) =>
  i18n.t(key, { lng: lang, ...options });
const engine: Engine = createEngine(loadKnowledge());
const answerOf = (id: string, lang: Lang) => engine.entry(id)?.i18n[lang].answer ?? `(no entry ${id})`;

/** A question the engine meets with "did you mean" (found rather than hard-coded, as the matcher is tuned). */
function didYouMeanQuestion(lang: Lang): string {
  const candidates = [
    'weather in Paris',
    'libraries and weather',
    'documents about trains',
    'cats of Moscow',
    'Moscow and history',
    'history and palace',
    'documents and palace',
    'speech and students',
    'documents and students',
    'program and students',
  ];
  const found = candidates.find((q) => {
    const r = engine.ask(q, { lang });
    return r.kind === 'suggestions' && r.suggestions.length > 0;
  });
  if (!found) throw new Error('none of the candidate questions gets "did you mean"; add one');
  return found;
}

describe('the bot process, polling a Bot API emulator', () => {
  let emulator: BotApiEmulator;
  let data: ReturnType<typeof tempDir>;
  let bot: BotProcess | undefined;
  const env = () => ({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: emulator.apiRoot, DATA_DIR: data.dir });

  beforeAll(async () => {
    emulator = await BotApiEmulator.start();
    data = tempDir('forum-bot-e2e-');
  });

  afterAll(async () => {
    await bot?.stop();
    await emulator?.stop();
    data?.remove();
  });

  it(
    'holds a conversation, and keeps the language choice across a restart',
    async () => {
      bot = spawnBot(env(), data.dir);
      await bot.waitForLog('bot started');
      const user = emulator.user(TOKEN, { userId: 5001, languageCode: 'en' });

      // /start: a welcome in the client's language with the topics.
      await user.say('/start');
      const welcome = await user.expectMessage();
      expect(welcome.text).toBe(tr('en', 'start.welcome'));
      expect(welcome.buttons.map((b) => b.text)).toEqual(engine.topics.map((t) => t.label.en));

      // /lang, then the Russian button: a Russian toast and the menu replaced by a Russian confirmation.
      await user.say('/lang');
      const menu = await user.expectMessage();
      expect(menu.buttons.map((b) => b.text)).toEqual(['中文', 'Русский', 'English']);
      await user.press(menu, 'Русский');
      await expect
        .poll(() => emulator.callsOf('answerCallbackQuery').map((c) => c.body.text), POLL)
        .toContain(tr('ru', 'language.changed'));
      await expect
        .poll(async () => (await user.history()).find((m) => m.messageId === menu.messageId)?.text, POLL)
        .toBe(tr('ru', 'language.changed'));

      // Asked in English, answered in Russian, with Russian buttons.
      await user.say('When did the forum open?');
      const answer = await user.expectMessage();
      expect(answer.text).toContain(answerOf('forum-date', 'ru'));
      expect(answer.buttons.map((b) => b.text)).toContain(tr('ru', 'bot.sourceButton'));
      expect(answer.buttons.slice(-2).map((b) => b.text)).toEqual([
        tr('ru', 'feedback.up'),
        tr('ru', 'feedback.down'),
      ]);

      // 👍 counts, with a thank-you toast, and the vote buttons are taken off the message.
      await user.press(answer, tr('ru', 'feedback.up'));
      await expect
        .poll(() => emulator.callsOf('answerCallbackQuery').map((c) => c.body.text), POLL)
        .toContain(tr('ru', 'feedback.thanksUp'));
      await expect.poll(() => emulator.callsOf('editMessageReplyMarkup').length, POLL).toBe(1);

      // The source button quotes the article.
      await user.press(answer, tr('ru', 'bot.sourceButton'));
      const source = await user.expectMessage();
      expect(source.text).toContain(engine.entry('forum-date')?.source[0]);

      // "Did you mean": pressing a suggestion answers it.
      const vague = didYouMeanQuestion('ru');
      const expected = engine.ask(vague, { lang: 'ru' });
      if (expected.kind !== 'suggestions') throw new Error('unreachable');
      await user.say(vague);
      const didYouMean = await user.expectMessage();
      expect(didYouMean.text).toBe(tr('ru', 'ask.didYouMean'));
      expect(didYouMean.buttons.map((b) => b.text)).toEqual(expected.suggestions.map((s) => s.title));
      await user.press(didYouMean, expected.suggestions[0]?.title ?? '');
      const picked = await user.expectMessage();
      expect(picked.text).toContain(answerOf(expected.suggestions[0]?.id ?? '', 'ru'));

      // Stray markup: a proper answer in valid HTML, and user text echoed back escaped.
      await user.say('<i>When did the forum open?</i> & <script>');
      const stray = await user.expectMessage();
      expect(telegramHtmlProblem(stray.html)).toBeNull();
      expect(stray.text).toContain(answerOf('forum-date', 'ru'));
      await user.say('/lang <script>&</b>');
      const unknown = await user.expectMessage();
      expect(telegramHtmlProblem(unknown.html)).toBeNull();
      expect(unknown.text).toBe(tr('ru', 'language.unknown', { value: '<script>&</b>' }));

      // The venue: the emulator rejects sendVenue, the answer still arrives and the bot lives on.
      await user.say('Where was the forum held?');
      expect((await user.expectMessage()).text).toContain(answerOf('forum-venue', 'ru'));
      await expect.poll(() => emulator.callsOf('sendVenue').length, POLL).toBe(1);

      // A forged button: a polite toast, no crash.
      await user.pressData(menu.messageId, 'e:ru:no-such-entry');
      await expect
        .poll(() => emulator.callsOf('answerCallbackQuery').map((c) => c.body.text), POLL)
        .toContain(tr('ru', 'bot.staleButton'));

      // Restart: SIGTERM stops cleanly, and the new process still answers this user in Russian.
      expect(await bot.stop()).toBe(0);
      expect(bot.logs().map((l) => l.msg)).toContain('bot stopped');
      // What the curators get from this conversation (kb:unanswered reads the same database).
      const feedback = openSqliteFeedbackReader(data.dir);
      expect((await feedback?.unanswered())?.map((q) => q.text)).toContain(vague);
      expect(await feedback?.votes()).toEqual([{ entryId: 'forum-date', up: 1, down: 0 }]);
      feedback?.close();
      const firstRun = bot.output;
      bot = spawnBot(env(), data.dir);
      await bot.waitForLog('bot started');
      await user.say('What agreements were signed?');
      expect((await user.expectMessage()).text).toContain(answerOf('agreements-overview', 'ru'));

      // The localized command menu was attempted per language (the emulator refuses it; the bot runs on).
      const menus = emulator.callsOf('setMyCommands').map((c) => c.body.language_code ?? 'default');
      expect(menus).toEqual(expect.arrayContaining(['zh', 'ru', 'en', 'default']));
      expect(firstRun + bot.output).not.toContain('SECRET-part');
    },
    TEST_TIMEOUT,
  );
});
