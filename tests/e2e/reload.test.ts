import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Lang } from '../../src/engine/types.js';
import { createI18n } from '../../src/i18n.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import {
  addQuestion,
  copyKnowledge,
  NEW_QUESTION,
  NEW_QUESTION_ENTRY,
  overwriteEntry,
} from '../support/knowledge-copy.js';
import { describeWithRedis, RedisServer } from '../support/redis-server.js';
import { BotApiEmulator, type BotProcess, freePort, spawnBot, tempDir, webhookEnv } from './harness.js';

const TOKEN = '737373:reload-SECRET-token';
const SECRET = 'reload_hook-secret-73';
const ADMIN_ID = 6001;
const TEST_TIMEOUT = 90_000;
const i18n = createI18n();
const tr = (lang: Lang, key: string, options: Record<string, unknown> = {}) =>
  i18n.t(key, { lng: lang, ...options });
const engine = createEngine(loadKnowledge());
const answerOf = (id: string, lang: Lang = 'en') => engine.entry(id)?.i18n[lang].answer ?? `(no entry ${id})`;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Waits until the process has logged `msg` at least `count` times; returns those lines. */
async function waitForLogs(bot: BotProcess, msg: string, count: number, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const lines = bot.logs().filter((l) => l.msg === msg);
    if (lines.length >= count) return lines;
    if (bot.child.exitCode !== null) throw new Error(`bot exited (${bot.child.exitCode}):\n${bot.output}`);
    if (Date.now() > deadline) throw new Error(`fewer than ${count} "${msg}" lines:\n${bot.output}`);
    await sleep(50);
  }
}

describe('the bot process reloading its knowledge base (polling, SQLite)', () => {
  let emulator: BotApiEmulator;
  let data: ReturnType<typeof tempDir>;
  let knowledge: ReturnType<typeof tempDir>;
  let bot: BotProcess;

  beforeAll(async () => {
    emulator = await BotApiEmulator.start();
    data = tempDir('forum-bot-reload-data-');
    knowledge = tempDir('forum-bot-reload-kb-');
    copyKnowledge(knowledge.dir);
    bot = spawnBot(
      {
        BOT_TOKEN: TOKEN,
        TELEGRAM_API_ROOT: emulator.apiRoot,
        DATA_DIR: data.dir,
        KNOWLEDGE_DIR: knowledge.dir,
        ADMIN_IDS: String(ADMIN_ID),
      },
      data.dir,
    );
    await bot.waitForLog('bot started', 30_000);
  }, 60_000);

  afterAll(async () => {
    const code = await bot?.stop();
    await emulator?.stop();
    data?.remove();
    knowledge?.remove();
    expect(code).toBe(0);
  });

  it(
    'answers an edited file after SIGHUP, and every message sent around the reload once',
    async () => {
      const asker = emulator.user(TOKEN, { userId: 6101, languageCode: 'en' });
      await asker.say(NEW_QUESTION);
      expect((await asker.expectMessage()).text).not.toContain(answerOf(NEW_QUESTION_ENTRY));

      addQuestion(knowledge.dir, NEW_QUESTION_ENTRY, 'en', NEW_QUESTION);
      const users = Array.from({ length: 12 }, (_, i) =>
        emulator.user(TOKEN, { userId: 6200 + i, languageCode: 'en' }),
      );
      await Promise.all(users.slice(0, 6).map((u) => u.say('When did the forum open?')));
      bot.child.kill('SIGHUP');
      await Promise.all(users.slice(6).map((u) => u.say('When did the forum open?')));

      const [reloaded] = await waitForLogs(bot, 'knowledge base reloaded', 1);
      expect(reloaded).toMatchObject({ reason: 'SIGHUP', entries: 23, version: expect.any(String) });
      expect((await bot.waitForLog('bot started')).pid).toBe(bot.child.pid);
      for (const user of users)
        expect((await user.expectMessage(15_000)).text).toContain(answerOf('forum-date'));
      for (const user of users) await user.expectSilence(0);

      await asker.say(NEW_QUESTION);
      expect((await asker.expectMessage()).text).toContain(answerOf(NEW_QUESTION_ENTRY));
    },
    TEST_TIMEOUT,
  );

  it(
    '/reload: an admin gets the version, a broken file is refused with its line and column, others get "unknown command"',
    async () => {
      const admin = emulator.user(TOKEN, { userId: ADMIN_ID, languageCode: 'ru' });
      const other = emulator.user(TOKEN, { userId: 6301, languageCode: 'en' });

      addQuestion(knowledge.dir, NEW_QUESTION_ENTRY, 'ru', 'Кто выиграл кубок Квиллмира?');
      await admin.say('/reload');
      const done = await admin.expectMessage();
      const [, second] = await waitForLogs(bot, 'knowledge base reloaded', 2);
      expect(done.text).toBe(tr('ru', 'reload.done', { version: second?.version, count: 23 }));

      const good = overwriteEntry(
        knowledge.dir,
        'forum-venue',
        '{\n  "id": "forum-venue",\n  "topic": "forum"\n  "kind"',
      );
      await admin.say('/reload');
      const refused = (await admin.expectMessage()).text;
      expect(refused).toMatch(/forum-venue\.json:4:3: not valid JSON: /);
      expect(refused.startsWith(tr('ru', 'reload.failed', { error: '' }))).toBe(true);
      const [warning] = await waitForLogs(
        bot,
        'knowledge base not reloaded; the previous one keeps serving',
        1,
      );
      expect(warning).toMatchObject({ level: 40, version: second?.version });

      // The old knowledge base keeps answering, the question added before the broken edit included.
      await other.say('Where was the forum held?');
      expect((await other.expectMessage()).text).toContain(answerOf('forum-venue'));
      await other.say(NEW_QUESTION);
      expect((await other.expectMessage()).text).toContain(answerOf(NEW_QUESTION_ENTRY));

      await other.say('/reload');
      expect((await other.expectMessage()).text).toBe(tr('en', 'bot.unknownCommand', { command: '/reload' }));
      overwriteEntry(knowledge.dir, 'forum-venue', good);
    },
    TEST_TIMEOUT,
  );
});

/** A text message update from a user in their private chat, as Telegram posts it to the webhook. */
function message(updateId: number, userId: number, text: string): Update {
  const command = text.startsWith('/') ? text.split(' ')[0]?.length : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      from: { id: userId, is_bot: false, first_name: 'User', language_code: 'en' },
      chat: { id: userId, type: 'private', first_name: 'User' },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command }] } : {}),
    },
  } as Update;
}

describeWithRedis('redis: a reload on one instance reaches the other', () => {
  let redis: RedisServer;
  let emulator: BotApiEmulator;
  let data: ReturnType<typeof tempDir>;
  let knowledge: ReturnType<typeof tempDir>;
  const bots: BotProcess[] = [];
  const ports: number[] = [];
  let updateId = 1;

  /** Posts a message to one instance's webhook, as Telegram does. */
  async function post(instance: number, userId: number, text: string): Promise<void> {
    const res = await fetch(`http://127.0.0.1:${ports[instance]}/telegram/webhook`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(message(updateId++, userId, text)),
    });
    expect(res.status).toBe(200);
  }

  beforeAll(async () => {
    redis = await RedisServer.start();
    emulator = await BotApiEmulator.start();
    data = tempDir('forum-bot-reload-multi-');
    // One folder for both, as a shared volume or a deployment that updates every machine would give.
    knowledge = tempDir('forum-bot-reload-multi-kb-');
    copyKnowledge(knowledge.dir);
    for (let i = 0; i < 2; i++) {
      const port = await freePort();
      ports.push(port);
      const env = webhookEnv({
        token: TOKEN,
        apiRoot: emulator.apiRoot,
        dataDir: data.dir,
        secret: SECRET,
        port,
      });
      bots.push(
        spawnBot(
          {
            ...env,
            STORE_URL: redis.url,
            KNOWLEDGE_DIR: knowledge.dir,
            KB_RELOAD_CHECK_SECONDS: '1',
            ADMIN_IDS: String(ADMIN_ID),
          },
          data.dir,
        ),
      );
    }
    for (const bot of bots) await bot.waitForLog('bot started', 30_000);
  }, 60_000);

  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await emulator?.stop();
    await redis?.dispose();
    data?.remove();
    knowledge?.remove();
  });

  it(
    'redis: SIGHUP on instance A, then /reload on instance B: the other instance answers the new questions',
    async () => {
      const [a, b] = bots as [BotProcess, BotProcess];
      const user = emulator.user(TOKEN, { userId: 6401 });
      await post(1, 6401, NEW_QUESTION);
      expect((await user.expectMessage()).text).not.toContain(answerOf(NEW_QUESTION_ENTRY));

      addQuestion(knowledge.dir, NEW_QUESTION_ENTRY, 'en', NEW_QUESTION);
      a.child.kill('SIGHUP');
      const [published] = await waitForLogs(a, 'knowledge version published for the other instances', 1);
      const [followed] = await waitForLogs(b, 'knowledge base reloaded', 1);
      expect(followed).toMatchObject({ reason: `published version ${String(published?.published)}` });
      await post(1, 6401, NEW_QUESTION);
      expect((await user.expectMessage()).text).toContain(answerOf(NEW_QUESTION_ENTRY));

      // The other way round, through /reload.
      const admin = emulator.user(TOKEN, { userId: ADMIN_ID });
      const second = 'Where was the Quillmere trophy kept?';
      addQuestion(knowledge.dir, 'forum-venue', 'en', second);
      await post(1, ADMIN_ID, '/reload');
      const [, bReloaded] = await waitForLogs(b, 'knowledge base reloaded', 2);
      expect((await admin.expectMessage()).text).toBe(
        tr('en', 'reload.done', { version: bReloaded?.version, count: 23 }),
      );
      const [, aFollowed] = await waitForLogs(a, 'knowledge base reloaded', 2);
      expect(aFollowed?.version).toBe(bReloaded?.version);
      await post(0, 6401, second);
      expect((await user.expectMessage()).text).toContain(answerOf('forum-venue'));
    },
    TEST_TIMEOUT,
  );
});
