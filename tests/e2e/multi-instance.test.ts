import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Lang } from '../../src/engine/types.js';
import { createI18n } from '../../src/i18n.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { recordFigures } from '../reliability/figures.js';
import { describeWithRedis, RedisServer } from '../support/redis-server.js';
import { BotApiEmulator, type BotProcess, freePort, spawnBot, tempDir, webhookEnv } from './harness.js';

const TOKEN = '616161:multi-SECRET-token';
const SECRET = 'multi_hook-secret-77';
const PATH = '/telegram/webhook';
const REDIS_PASSWORD = 'redis-PASSWORD-xyz';
const i18n = createI18n();
const tr = (lang: Lang, key: string) => i18n.t(key, { lng: lang });
const engine = createEngine(loadKnowledge());
const QUESTION = 'When did the forum open?';

/** The answer to QUESTION in `lang`, as the engine gives it. */
function answerIn(lang: Lang): string {
  const result = engine.ask(QUESTION, { lang });
  if (result.kind !== 'answer') throw new Error(`"${QUESTION}" is not answered in ${lang}`);
  return result.entry.i18n[lang].answer;
}

/** A text message update from a user in their private chat, as Telegram posts it to the webhook. */
function message(updateId: number, userId: number, text: string, languageCode: string): Update {
  const command = text.startsWith('/') ? text.split(' ')[0]?.length : undefined;
  return {
    update_id: updateId,
    message: {
      message_id: updateId,
      date: Math.floor(Date.now() / 1000),
      from: { id: userId, is_bot: false, first_name: 'User', language_code: languageCode },
      chat: { id: userId, type: 'private', first_name: 'User' },
      text,
      ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command }] } : {}),
    },
  } as Update;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describeWithRedis('redis: two bot instances in webhook mode sharing one Redis', () => {
  let redis: RedisServer;
  let emulator: BotApiEmulator;
  let data: ReturnType<typeof tempDir>;
  const bots: BotProcess[] = [];
  const ports: number[] = [];
  let deliveries = 0;

  /** Posts an update to one instance's webhook as Telegram does; resolves the HTTP status. */
  async function post(instance: number, update: Update): Promise<number> {
    deliveries += 1;
    const res = await fetch(`http://127.0.0.1:${ports[instance]}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: JSON.stringify(update),
    });
    return res.status;
  }

  /** Telegram's side: delivers until an instance answers 200, retrying (through the proxy, to either). */
  async function deliver(first: number, update: Update): Promise<void> {
    for (let attempt = 0; attempt < 100; attempt++) {
      if ((await post((first + attempt) % 2, update)) === 200) return;
      await sleep(200);
    }
    throw new Error(`update ${update.update_id} was never answered 200`);
  }

  async function health(instance: number) {
    const res = await fetch(`http://127.0.0.1:${ports[instance]}/healthz`);
    return { status: res.status, body: (await res.json()) as unknown };
  }

  beforeAll(async () => {
    redis = await RedisServer.start({ password: REDIS_PASSWORD });
    emulator = await BotApiEmulator.start();
    data = tempDir('forum-bot-multi-');
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
      // With the password Redis asks for, which must never be printed. (DATA_DIR is unused then.)
      const bot = spawnBot({ ...env, STORE_URL: redis.url }, data.dir);
      bots.push(bot);
    }
    for (const bot of bots) await bot.waitForLog('bot started', 30_000);
  }, 60_000);

  afterAll(async () => {
    for (const bot of bots) await bot.stop();
    await emulator?.stop();
    await redis?.dispose();
    data?.remove();
    for (const bot of bots) {
      expect(bot.output).not.toContain('multi-SECRET');
      expect(bot.output).not.toContain(SECRET);
      expect(bot.output).not.toContain(REDIS_PASSWORD);
    }
  });

  it('redis: a language chosen through instance A is used by instance B', async () => {
    const user = emulator.user(TOKEN, { userId: 7001 });
    expect(await post(0, message(1, 7001, '/lang ru', 'en'))).toBe(200);
    expect((await user.expectMessage()).text).toBe(tr('ru', 'language.changed'));
    expect(await post(1, message(2, 7001, QUESTION, 'en'))).toBe(200);
    expect((await user.expectMessage()).text).toContain(answerIn('ru'));
    expect(await health(0)).toEqual({ status: 200, body: { ok: true, store: 'up' } });
  }, 30_000);

  it('redis: the same update posted to both instances, at once and again later, is answered once', async () => {
    const user = emulator.user(TOKEN, { userId: 7002 });
    const update = message(10, 7002, '/help', 'zh');
    const statuses = await Promise.all([post(0, update), post(1, update)]);
    expect(statuses.every((s) => s === 200 || s === 503)).toBe(true);
    expect(statuses).toContain(200);
    // Telegram's redelivery, to either instance: already answered.
    expect([await post(0, update), await post(1, update)]).toEqual([200, 200]);
    expect((await user.expectMessage()).text).toBe(tr('zh', 'help.text'));
    await user.expectSilence(1000);
  }, 30_000);

  it('redis: 100 updates spread over both instances, each also redelivered to the other: each answered once', async () => {
    const USERS = 50;
    const FIRST_ID = 1000;
    const updates = Array.from({ length: 100 }, (_, i) =>
      // An unknown command per update: the reply quotes it, so each reply names its update.
      message(FIRST_ID + i, 8000 + (i % USERS), `/u${FIRST_ID + i}`, ['en', 'ru', 'zh'][i % 3] ?? 'en'),
    );
    const before = deliveries;
    await Promise.all(updates.map((u, i) => Promise.all([deliver(i % 2, u), deliver((i + 1) % 2, u)])));
    const users = Array.from({ length: USERS }, (_, i) => emulator.user(TOKEN, { userId: 8000 + i }));
    const replies = async () => (await Promise.all(users.map((u) => u.history()))).flat();
    const deadline = Date.now() + 30_000;
    while ((await replies()).length < updates.length && Date.now() < deadline) await sleep(200);
    // Anything sent twice would show up within this quiet second.
    await sleep(1000);
    const counts = new Map<number, number>();
    for (const reply of await replies()) {
      const id = Number(/\/u(\d+)/.exec(reply.text)?.[1]);
      counts.set(id, (counts.get(id) ?? 0) + 1);
    }
    const answered = updates.filter((u) => (counts.get(u.update_id) ?? 0) > 0).length;
    const duplicates = [...counts.values()].reduce((sum, n) => sum + Math.max(0, n - 1), 0);
    const figures = {
      sent: updates.length,
      webhookDeliveries: deliveries - before,
      answered,
      duplicates,
      lost: updates.length - answered,
    };
    console.log(`two-instance figures: ${JSON.stringify(figures)}`);
    recordFigures('multi-instance: each update answered once', figures);
    expect(figures).toMatchObject({ sent: 100, answered: 100, duplicates: 0, lost: 0 });
    expect(figures.webhookDeliveries).toBeGreaterThanOrEqual(200);
  }, 90_000);

  it('redis: stopped and restarted mid-run, it loses no acknowledged language choice; users are told meanwhile', async () => {
    const LANGS: Lang[] = ['zh', 'ru', 'en'];
    const users = Array.from({ length: 12 }, (_, i) => ({
      id: 9000 + i,
      lang: LANGS[i % 3] as Lang,
      chat: emulator.user(TOKEN, { userId: 9000 + i }),
    }));
    let updateId = 5000;
    const choose = async (user: (typeof users)[number], instance: number) => {
      await deliver(instance, message(updateId++, user.id, `/lang ${user.lang}`, 'en'));
      // Acknowledged: the user was told, in the chosen language.
      expect((await user.chat.expectMessage(15_000)).text).toBe(tr(user.lang, 'language.changed'));
    };
    // The first half choose before the outage.
    for (const [i, user] of users.slice(0, 6).entries()) await choose(user, i % 2);

    await redis.stop('SIGKILL');
    for (const instance of [0, 1]) {
      expect(await health(instance)).toEqual({ status: 503, body: { ok: false, store: 'down' } });
    }
    // A user asks meanwhile: one localized notice, however often Telegram retries; 503 each time.
    const waiting = emulator.user(TOKEN, { userId: 9500, languageCode: 'zh' });
    const question = message(updateId++, 9500, QUESTION, 'zh');
    expect(await post(0, question)).toBe(503);
    expect((await waiting.expectMessage()).text).toBe(tr('zh', 'errors.unavailable'));
    expect(await post(0, question)).toBe(503);
    await waiting.expectSilence(500);

    await redis.resume();
    const deadline = Date.now() + 20_000;
    while ((await health(0)).status !== 200 || (await health(1)).status !== 200) {
      if (Date.now() > deadline) throw new Error('the instances did not see Redis come back');
      await sleep(100);
    }
    // Telegram's retry is answered properly now (in English, the question's language: no choice stored).
    await deliver(1, question);
    expect((await waiting.expectMessage()).text).toContain(answerIn('en'));

    // The second half choose after it.
    for (const [i, user] of users.slice(6).entries()) await choose(user, i % 2);
    // Every acknowledged choice holds, on either instance.
    for (const [i, user] of users.entries()) {
      await deliver((i + 1) % 2, message(updateId++, user.id, QUESTION, 'en'));
      expect((await user.chat.expectMessage(15_000)).text).toContain(answerIn(user.lang));
    }
  }, 120_000);
});
