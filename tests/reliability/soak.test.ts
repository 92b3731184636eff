import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToPlain } from '../../src/bot/html.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { tempDir } from '../e2e/harness.js';
import { distinctQuestions, seededRandom, startBot } from './bot-runner.js';
import { FakeBotApi, type Fault } from './fake-bot-api.js';
import { recordFigures, SOAK } from './figures.js';

/**
 * The long run, only under `npm run soak`: many users asking at once through 429 storms, 5xx answers,
 * dropped connections and slow calls, while the bot is stopped (as by SIGTERM) and started again several
 * times. Every question must be answered exactly once, in order, and counted once.
 */
describe.skipIf(!SOAK)('soak: faults and restarts under load', () => {
  let api: FakeBotApi;
  let data: ReturnType<typeof tempDir>;
  beforeAll(async () => {
    api = await FakeBotApi.start();
    data = tempDir('forum-bot-soak-');
  });
  afterAll(async () => {
    await api.stop();
    data.remove();
  });

  it('answers every question once, in order, through faults and restarts', async () => {
    const USERS = 60;
    const questions = distinctQuestions(5);
    const random = seededRandom(Number(process.env.FC_SEED ?? Date.now()) >>> 0);
    const injected = { rateLimited: 0, serverErrors: 0, dropped: 0, slow: 0 };
    api.fault = ({ method }): Fault | undefined => {
      if (method === 'getMe' || method === 'deleteWebhook' || method === 'setMyCommands') return undefined;
      const roll = random();
      if (roll < 0.15) {
        injected.rateLimited += 1;
        return { status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 };
      }
      if (roll < 0.2) {
        injected.serverErrors += 1;
        return { status: 502, description: 'Bad Gateway' };
      }
      if (roll < 0.22 && method !== 'sendMessage') {
        // A dropped send may or may not have reached Telegram; only the other calls are dropped here.
        injected.dropped += 1;
        return { drop: true };
      }
      if (roll < 0.3) {
        injected.slow += 1;
        return { delayMs: Math.floor(random() * 800) };
      }
      return undefined;
    };
    const users = Array.from({ length: USERS }, (_, i) => ({ id: 50_000 + i, language_code: 'en' }));
    for (const { question } of questions) for (const user of users) api.text(user, question);
    const total = USERS * questions.length;
    let restarts = 0;
    const started = Date.now();
    while (api.sent.length < total) {
      const bot = await startBot(api, data.dir, { polling: { backoffMs: 100 } });
      await new Promise((resolve) => setTimeout(resolve, 2000 + random() * 3000));
      await bot.stop();
      restarts += 1;
      if (restarts > 40) break;
    }
    for (const user of users) {
      const answers = api.messagesTo(user.id).map((m) => htmlToPlain(m.text));
      expect(answers, JSON.stringify(answers.map((a) => a.slice(0, 60)))).toHaveLength(questions.length);
      for (const [k, answer] of answers.entries()) expect(answer).toContain(questions[k]?.answer);
    }
    const store = createSqliteStore(data.dir);
    expect((await store.replyCounts()).answered).toBe(total);
    store.close();
    recordFigures('soak', { users: USERS, answers: total, restarts, ...injected, ms: Date.now() - started });
  }, 600_000);
});
