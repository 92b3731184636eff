import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { htmlToPlain } from '../../src/bot/html.js';
import { createMetrics } from '../../src/bot/metrics.js';
import { createI18n } from '../../src/i18n.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { type BotProcess, spawnBot, tempDir } from '../e2e/harness.js';
import { distinctQuestions, startBot, TOKEN, until } from './bot-runner.js';
import { FakeBotApi } from './fake-bot-api.js';
import { recordFigures } from './figures.js';

const i18n = createI18n();
let api: FakeBotApi;
let data: ReturnType<typeof tempDir>;
let stop: (() => Promise<void>) | undefined;
const processes: BotProcess[] = [];

beforeEach(async () => {
  api = await FakeBotApi.start();
  data = tempDir('forum-bot-outbox-');
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  for (const child of processes.splice(0)) await child.stop();
  await api.stop();
  data.remove();
});

/** Starts the bot in this process; afterEach stops it if the test did not. */
async function bot(options: Parameters<typeof startBot>[2] = {}, env: Record<string, string> = {}) {
  const running = await startBot(api, data.dir, { polling: { backoffMs: 100 }, ...options }, env);
  stop = running.stop;
  return running;
}

const questions = distinctQuestions(3);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const apologies = new Set((['en', 'ru', 'zh'] as const).map((lng) => i18n.t('errors.internal', { lng })));

/** Each chat got exactly its questions' answers, once each and in order; nothing else. */
function expectAnsweredInOrder(users: ReadonlyArray<{ id: number }>, asked: number) {
  for (const user of users) {
    const answers = api.messagesTo(user.id).map((m) => htmlToPlain(m.text));
    expect(answers).toHaveLength(asked);
    for (const [k, answer] of answers.entries()) expect(answer).toContain(questions[k]?.answer);
  }
}

describe('the outbox: no chat stalls the others, and no answer owed is dropped', () => {
  it('one chat’s sendMessage hanging 60 s: 100 other users are each answered within 5 s, the stuck chat once later', async () => {
    const stuck = { id: 7000, language_code: 'en' };
    const others = Array.from({ length: 100 }, (_, i) => ({ id: 7001 + i, language_code: 'en' }));
    api.fault = ({ method, body, nth }) =>
      method === 'sendMessage' && body.chat_id === stuck.id && nth === 1 ? { delayMs: 60_000 } : undefined;
    await bot({}, { BOT_API_TIMEOUT_SECONDS: '3' });
    const stuckAskedAt = Date.now();
    const stuckId = api.text(stuck, questions[0]?.question ?? '');
    await until(() => api.callsOf('sendMessage').length === 1, 10_000, 'the hanging send');
    // 20 questions a second: more than one getUpdates batch (100) arrives while the stuck chat hangs.
    const asked = new Map<number, number>();
    for (const user of others) {
      api.text(user, questions[1]?.question ?? '');
      asked.set(user.id, Date.now());
      await sleep(50);
    }
    await until(() => others.every((u) => api.messagesTo(u.id).length === 1), 20_000, 'every other answer');
    const waits = others.map((u) => (api.messagesTo(u.id)[0]?.at ?? 0) - (asked.get(u.id) ?? 0));
    expect(Math.max(...waits)).toBeLessThan(5000);
    // Polling went past the stuck update while its reply was still owed.
    expect(api.confirmedOffset).toBeGreaterThan(stuckId);
    // Its reply was abandoned at the deadline (3 s) and sent again: it arrives once.
    await until(() => api.messagesTo(stuck.id).length === 1, 20_000, 'the stuck chat’s answer');
    expect((api.messagesTo(stuck.id)[0]?.at ?? 0) - stuckAskedAt).toBeGreaterThanOrEqual(3000);
    await sleep(500);
    expect(api.messagesTo(stuck.id)).toHaveLength(1);
    for (const user of others) {
      const answers = api.messagesTo(user.id).map((m) => htmlToPlain(m.text));
      expect(answers).toHaveLength(1);
      expect(answers[0]).toContain(questions[1]?.answer);
    }
    recordFigures('stuck chat', {
      others: others.length,
      slowestOtherMs: Math.max(...waits),
      medianOtherMs: waits.sort((a, b) => a - b)[waits.length >> 1] ?? 0,
    });
  }, 60_000);

  it('a run of 500s longer than the old retry budget loses no answer: all sent after it ends, once each, in order per chat', async () => {
    const users = Array.from({ length: 10 }, (_, i) => ({ id: 7200 + i, language_code: 'en' }));
    const outageMs = 6000;
    let outageEnds = Number.POSITIVE_INFINITY;
    api.fault = ({ method }) =>
      method === 'sendMessage' && Date.now() < outageEnds
        ? { status: 500, description: 'Internal Server Error' }
        : undefined;
    const metrics = createMetrics();
    const running = await bot({ metrics });
    outageEnds = Date.now() + outageMs;
    for (const { question } of questions) for (const user of users) api.text(user, question);
    const expected = users.length * questions.length;
    // Every update is confirmed during the outage: the answers are owed, in the outbox.
    await until(() => api.pendingUpdateIds.length === 0, 10_000, 'the updates confirmed');
    await until(() => Date.now() > outageEnds - 2000, outageMs, 'the outage to go on');
    const scraped = await metrics.registry.metrics();
    const depth = Number(/^forum_bot_outbox_depth (\d+)/m.exec(scraped)?.[1]);
    expect(depth).toBeGreaterThan(0);
    expect(Number(/^forum_bot_outbox_oldest_age_seconds (\S+)/m.exec(scraped)?.[1])).toBeGreaterThan(1);
    expect(api.sent).toHaveLength(0);
    await until(() => api.sent.length >= expected, 30_000, `${expected} answers after the outage`);
    await sleep(1500);
    expectAnsweredInOrder(users, questions.length);
    expect(api.callsOf('sendMessage').filter((c) => c.fault).length).toBeGreaterThan(expected);
    expect(api.sent.filter((m) => apologies.has(htmlToPlain(m.text)))).toEqual([]);
    expect(running.logged('reply not sent; kept in the outbox and tried again later').length).toBeGreaterThan(
      0,
    );
    const after = await metrics.registry.metrics();
    expect(after).toMatch(/^forum_bot_outbox_depth 0$/m);
    recordFigures('5xx outage', { outageMs, questions: expected, answered: api.sent.length, lost: 0 });
  }, 60_000);

  it('answers owed survive kill -9: the next run sends them, once each', async () => {
    const users = Array.from({ length: 4 }, (_, i) => ({ id: 7300 + i, language_code: 'en' }));
    api.fault = ({ method }) =>
      method === 'sendMessage' ? { status: 502, description: 'Bad Gateway' } : undefined;
    const env = { BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: data.dir };
    const first = spawnBot(env, data.dir);
    processes.push(first);
    await first.waitForLog('bot started');
    for (const user of users) api.text(user, questions[0]?.question ?? '');
    await until(() => api.pendingUpdateIds.length === 0, 15_000, 'the updates confirmed');
    await first.waitForLog('reply not sent; kept in the outbox and tried again later');
    first.child.kill('SIGKILL');
    await first.exited;
    const store = createSqliteStore(data.dir);
    const owed = await store.owedCalls();
    await store.close();
    expect(owed.map((c) => Number(c.chat)).sort()).toEqual(users.map((u) => u.id));
    expect(api.sent).toHaveLength(0);

    api.fault = undefined;
    const second = spawnBot(env, data.dir);
    processes.push(second);
    await second.waitForLog('bot started');
    await until(() => api.sent.length >= users.length, 15_000, 'the owed answers');
    await sleep(1000);
    expectAnsweredInOrder(users, 1);
    expect(await second.stop()).toBe(0);
    const reopened = createSqliteStore(data.dir);
    expect(await reopened.owedCalls()).toEqual([]);
    await reopened.close();
  }, 60_000);

  it('no apology after an answer: a reply slower than the handler’s time limit is still the only message', async () => {
    const user = { id: 7400, language_code: 'en' };
    api.fault = ({ method, body, nth }) =>
      method === 'sendMessage' && body.chat_id === user.id && nth === 1 ? { delayMs: 1500 } : undefined;
    const running = await bot({ handlerTimeoutMs: 500 });
    api.text(user, questions[0]?.question ?? '');
    await until(() => api.messagesTo(user.id).length === 1, 10_000, 'the answer');
    await until(
      () => running.logged('no apology: the update was already answered').length === 1,
      10_000,
      'the handler’s time limit',
    );
    await sleep(1000);
    const sent = api.messagesTo(user.id).map((m) => htmlToPlain(m.text));
    expect(sent).toHaveLength(1);
    expect(sent[0]).toContain(questions[0]?.answer);
  }, 30_000);
});
