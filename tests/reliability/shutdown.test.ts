import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { htmlToPlain } from '../../src/bot/html.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { type BotProcess, spawnBot, tempDir } from '../e2e/harness.js';
import { distinctQuestions, TOKEN, until } from './bot-runner.js';
import { FakeBotApi } from './fake-bot-api.js';
import { recordFigures } from './figures.js';

const USERS = Array.from({ length: 6 }, (_, i) => ({ id: 8100 + i, language_code: 'en' }));
const questions = distinctQuestions(4);

describe('graceful shutdown of the real bot process', () => {
  let api: FakeBotApi;
  let data: ReturnType<typeof tempDir>;
  const processes: BotProcess[] = [];

  beforeAll(async () => {
    api = await FakeBotApi.start();
    data = tempDir('forum-bot-shutdown-');
  });
  afterAll(async () => {
    for (const bot of processes) await bot.stop();
    await api.stop();
    data.remove();
  });

  const start = async () => {
    const bot = spawnBot({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: data.dir }, data.dir);
    processes.push(bot);
    await bot.waitForLog('bot started');
    return bot;
  };

  it('on SIGTERM mid-burst: stops taking updates, finishes the running ones, exits 0 within 5 s, and leaves nothing half done', async () => {
    const first = await start();
    // A burst: every user asks four questions at once. One chat gets one message a second, so this takes
    // the bot about four seconds; SIGTERM comes after the first answers.
    // User by user, so the updates handled by SIGTERM are not a prefix of the update ids: those beyond the
    // confirmed offset come back after the restart, and the journal must recognise them.
    const ids = new Map<number, number[]>();
    for (const user of USERS) {
      ids.set(
        user.id,
        questions.map(({ question }) => api.text(user, question)),
      );
    }
    await until(() => api.sent.length >= USERS.length, 15_000, 'the first answers');
    const signalled = Date.now();
    first.child.kill('SIGTERM');
    const code = await first.exited;
    const shutdownMs = Date.now() - signalled;
    expect(code).toBe(0);
    expect(shutdownMs).toBeLessThan(5000);
    const stopped = first.logs().find((l) => l.msg === 'bot stopped') as Record<string, number> | undefined;
    expect(stopped).toBeDefined();

    // Nothing half done: each chat has the answers to a prefix of its questions, in order; every update
    // after that prefix was never taken and is still with Telegram, unconfirmed.
    const answeredFirst = new Map<number, number>();
    let taken = 0;
    for (const user of USERS) {
      const answers = api.messagesTo(user.id).map((m) => htmlToPlain(m.text));
      for (const [k, answer] of answers.entries()) expect(answer).toContain(questions[k]?.answer);
      answeredFirst.set(user.id, answers.length);
      taken += answers.length;
      const untaken = (ids.get(user.id) ?? []).slice(answers.length);
      for (const id of untaken) {
        expect(api.pendingUpdateIds).toContain(id);
        expect(id).toBeGreaterThanOrEqual(api.confirmedOffset);
      }
    }
    expect(taken).toBeGreaterThanOrEqual(USERS.length);
    expect(taken).toBeLessThan(USERS.length * questions.length);
    expect(stopped?.handled).toBe(taken);
    expect(stopped?.released).toBe(USERS.length * questions.length - taken);

    // The next run gets the untaken updates again, answers each once, and skips those already answered.
    const second = await start();
    const total = USERS.length * questions.length;
    await until(() => api.sent.length >= total, 20_000, 'every question answered');
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await second.stop()).toBe(0);
    const secondStopped = second.logs().find((l) => l.msg === 'bot stopped') as
      | Record<string, number>
      | undefined;
    expect(secondStopped?.handled).toBe(total - taken);
    // Everything the first run handled above its confirmed offset, Telegram sent again: skipped, not re-answered.
    expect(secondStopped?.skipped).toBeGreaterThan(0);
    for (const user of USERS) {
      const answers = api.messagesTo(user.id).map((m) => htmlToPlain(m.text));
      expect(answers).toHaveLength(questions.length);
      for (const [k, answer] of answers.entries()) expect(answer).toContain(questions[k]?.answer);
    }
    expect(api.pendingUpdateIds).toEqual([]);
    // The store counted each question once, across both runs.
    const store = createSqliteStore(data.dir);
    expect((await store.replyCounts()).answered).toBe(total);
    store.close();
    recordFigures('shutdown mid-burst', {
      updates: total,
      answeredBeforeSigterm: taken,
      releasedAndRedelivered: total - taken,
      shutdownMs,
      exitCode: code,
      redeliveredButAlreadyAnswered: secondStopped?.skipped,
      duplicates: 0,
    });
  }, 60_000);
});
