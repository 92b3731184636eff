import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { htmlToPlain } from '../../src/bot/html.js';
import { DEFAULT_FLOOD_OPTIONS } from '../../src/bot/middleware/flood.js';
import { createI18n } from '../../src/i18n.js';
import { tempDir } from '../e2e/harness.js';
import { distinctQuestions, seededRandom, startBot, until } from './bot-runner.js';
import { FakeBotApi, type Fault } from './fake-bot-api.js';
import { recordFigures } from './figures.js';

const i18n = createI18n();
let api: FakeBotApi;
let data: ReturnType<typeof tempDir>;
let stop: (() => Promise<void>) | undefined;

beforeEach(async () => {
  api = await FakeBotApi.start();
  data = tempDir('forum-bot-faults-');
});
afterEach(async () => {
  await stop?.();
  stop = undefined;
  await api.stop();
  data.remove();
});

/** Starts the bot; afterEach stops it if the test did not. */
async function bot(options: Parameters<typeof startBot>[2] = {}) {
  const running = await startBot(api, data.dir, { polling: { backoffMs: 100 }, ...options });
  stop = running.stop;
  return running;
}

const questions = distinctQuestions(3);

describe('Telegram faults, against a fault-injecting Bot API on 127.0.0.1', () => {
  it('a 429 storm: every answer arrives after its retry_after, none lost, none out of order', async () => {
    const random = seededRandom(429);
    const rateLimitedTexts = new Map<string, number>();
    let injected = 0;
    let stormStart: number | undefined;
    api.fault = ({ method, body }) => {
      if (method !== 'sendMessage') return undefined;
      stormStart ??= Date.now();
      // For the first 1.5 s every send is refused; after that about half of them, some several times in a
      // row (at most 3 times for one message after the storm).
      const text = String(body.text);
      const times = rateLimitedTexts.get(text) ?? 0;
      const storming = Date.now() - stormStart < 1500;
      if (!storming && (times >= 3 || random() < 0.5)) return undefined;
      rateLimitedTexts.set(text, times + 1);
      injected += 1;
      return { status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 };
    };
    const running = await bot();
    const users = Array.from({ length: 10 }, (_, i) => ({ id: 9100 + i, language_code: 'en' }));
    const started = Date.now();
    for (const { question } of questions) for (const user of users) api.text(user, question);
    const expected = users.length * questions.length;
    await until(() => api.sent.length >= expected, 60_000, `${expected} answers`);
    const ms = Date.now() - started;
    await running.stop();
    stop = undefined;

    for (const user of users) {
      const answers = api.messagesTo(user.id).map((m) => htmlToPlain(m.text));
      expect(answers).toHaveLength(questions.length);
      for (const [k, { answer }] of questions.entries()) expect(answers[k]).toContain(answer);
    }
    // Each refused send was tried again only after its retry_after, in the same chat.
    const sends = api.callsOf('sendMessage');
    for (const [i, call] of sends.entries()) {
      if (!call.fault) continue;
      const next = sends.slice(i + 1).find((c) => c.body.chat_id === call.body.chat_id);
      expect((next?.at ?? Number.POSITIVE_INFINITY) - call.at).toBeGreaterThanOrEqual(1000);
    }
    expect(injected).toBeGreaterThan(users.length * 2);
    expect(api.pendingUpdateIds).toEqual([]);
    const stopped = running.logged('bot stopped')[0] as { outbound: { rateLimited: number; sent: number } };
    expect(stopped.outbound.rateLimited).toBe(injected);
    recordFigures('429 storm', {
      users: users.length,
      answers: api.sent.length,
      injected429: injected,
      lost: 0,
      reordered: 0,
      ms,
    });
  }, 90_000);

  it('a retry_after longer than the shutdown allows: the reply stays owed, and the next run sends it once', async () => {
    const user = { id: 9150, language_code: 'en' };
    api.fault = ({ method }) =>
      method === 'sendMessage'
        ? { status: 429, description: 'Too Many Requests: retry after 30', retryAfter: 30 }
        : undefined;
    const first = await bot();
    api.text(user, questions[0]?.question ?? '');
    await until(() => api.callsOf('sendMessage').length === 1, 10_000, 'the refused send');
    const stopping = Date.now();
    await first.stop();
    stop = undefined;
    expect(Date.now() - stopping).toBeLessThan(5000);
    // The update is done with (its answer is written down), so Telegram is not asked to send it again.
    expect(api.pendingUpdateIds).toEqual([]);
    expect(api.messagesTo(user.id)).toEqual([]);

    api.fault = undefined;
    await bot();
    await until(() => api.messagesTo(user.id).length === 1, 10_000, 'the answer from the next run');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.messagesTo(user.id)).toHaveLength(1);
    expect(htmlToPlain(api.messagesTo(user.id)[0]?.text ?? '')).toContain(questions[0]?.answer);
  }, 30_000);

  it('a 403 (the user blocked the bot) is logged and not retried; other users are answered', async () => {
    const blocked = { id: 9201, language_code: 'en' };
    const other = { id: 9202, language_code: 'en' };
    api.fault = ({ method, body }) =>
      body.chat_id === blocked.id && method !== 'sendChatAction'
        ? { status: 403, description: 'Forbidden: bot was blocked by the user' }
        : undefined;
    const running = await bot();
    api.text(blocked, questions[0]?.question ?? '');
    api.text(other, questions[0]?.question ?? '');
    await until(() => api.messagesTo(other.id).length === 1, 10_000, 'the other user’s answer');
    await until(
      () => running.logs.some((l) => l.msg === 'update dropped: its reply cannot be sent'),
      10_000,
      'the drop',
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.callsOf('sendMessage').filter((c) => c.body.chat_id === blocked.id)).toHaveLength(1);
    expect(running.logs.filter((l) => String(l.msg).includes('the user blocked the bot'))).toHaveLength(1);
    // Not an error, and no apology sent into the void.
    expect(running.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
    await running.stop();
    stop = undefined;
    // The blocked user's update counts as done: Telegram will not send it again.
    expect(api.pendingUpdateIds).toEqual([]);
    recordFigures('403 blocked', { injected403: 1, retried: 0 });
  }, 30_000);

  it('a 400 "can’t parse entities" falls back to the same message as plain text', async () => {
    const user = { id: 9301, language_code: 'en' };
    api.fault = ({ method, body }) =>
      method === 'sendMessage' && body.parse_mode === 'HTML'
        ? {
            status: 400,
            description: 'Bad Request: can\'t parse entities: Unsupported start tag "b" at byte offset 0',
          }
        : undefined;
    await bot();
    api.text(user, questions[0]?.question ?? '');
    await until(() => api.messagesTo(user.id).length === 1, 10_000, 'the plain-text answer');
    const attempts = api.callsOf('sendMessage');
    expect(attempts).toHaveLength(2);
    const [reply] = api.messagesTo(user.id);
    expect(reply?.parseMode).toBeUndefined();
    expect(reply?.text).toBe(htmlToPlain(String(attempts[0]?.body.text)));
    expect(reply?.text).toContain(questions[0]?.answer.slice(0, 40));
    recordFigures('400 entities', { injected400: 1, plainFallbacks: 1 });
  }, 30_000);

  it('5xx answers and dropped connections while polling are retried with backoff, and polling resumes', async () => {
    const user = { id: 9401, language_code: 'en' };
    // getUpdates calls 2-6 fail: 502, a dropped connection, 500, 503 and a 429 with retry_after 1.
    const faults = new Map<number, Fault>([
      [2, { status: 502, description: 'Bad Gateway' }],
      [3, { drop: true }],
      [4, { status: 500, description: 'Internal Server Error' }],
      [5, { status: 503, description: 'Service Unavailable' }],
      [6, { status: 429, description: 'Too Many Requests: retry after 1', retryAfter: 1 }],
    ]);
    // A send fails too: once with a 502, once with a dropped connection.
    api.fault = ({ method, nth }) => {
      if (method === 'getUpdates') return faults.get(nth);
      if (method === 'sendMessage' && nth === 1) return { status: 502, description: 'Bad Gateway' };
      if (method === 'sendMessage' && nth === 2) return { drop: true };
      return undefined;
    };
    const running = await bot();
    // The question arrives during the outage.
    await until(() => api.callsOf('getUpdates').length >= 3, 10_000, 'the outage');
    api.text(user, questions[1]?.question ?? '');
    await until(() => running.logged('polling resumed').length === 1, 20_000, 'polling to resume');
    await until(() => api.messagesTo(user.id).length === 1, 20_000, 'the answer after the outage');
    expect(htmlToPlain(api.messagesTo(user.id)[0]?.text ?? '')).toContain(questions[1]?.answer);
    const polls = api
      .callsOf('getUpdates')
      .slice(1, 7)
      .map((c) => c.at);
    const gaps = polls.slice(1).map((t, i) => t - (polls[i] ?? 0));
    // Backoff 100, 200, 400, 800 ms, then the 429's retry_after of 1 s.
    for (const [i, min] of [100, 200, 400, 800, 1000].entries())
      expect(gaps[i]).toBeGreaterThanOrEqual(min - 10);
    expect(running.logged('getUpdates failed; retrying')).toHaveLength(5);
    expect(running.logged('polling resumed')).toHaveLength(1);
    expect(api.callsOf('sendMessage').filter((c) => c.body.chat_id === user.id)).toHaveLength(3);
    recordFigures('polling outage', { getUpdatesFaults: 5, sendFaults: 2, survived: true });
  }, 30_000);

  it('a slow API for one chat does not hold up other chats’ answers', async () => {
    const slow = { id: 9501, language_code: 'en' };
    const quick = { id: 9502, language_code: 'en' };
    api.fault = ({ method, body }) =>
      method === 'sendMessage' && body.chat_id === slow.id ? { delayMs: 3000 } : undefined;
    await bot();
    const asked = Date.now();
    api.text(slow, questions[0]?.question ?? '');
    await new Promise((resolve) => setTimeout(resolve, 100));
    // Separate getUpdates calls: the quick chat's update comes while the slow one is still being handled.
    api.text(quick, questions[1]?.question ?? '');
    await until(() => api.messagesTo(quick.id).length === 1, 10_000, 'the quick chat’s answer');
    const quickMs = (api.messagesTo(quick.id)[0]?.at ?? 0) - asked;
    expect(quickMs).toBeLessThan(1500);
    expect(api.messagesTo(slow.id)).toHaveLength(0);
    await until(() => api.messagesTo(slow.id).length === 1, 10_000, 'the slow chat’s answer');
    expect((api.messagesTo(slow.id)[0]?.at ?? 0) - asked).toBeGreaterThanOrEqual(3000);
    recordFigures('slow API', { slowChatMs: 3000, otherChatAnsweredMs: quickMs });
  }, 30_000);

  it('flood control: a user sending dozens of messages a second gets one notice, and others are not slowed', async () => {
    const flooder = { id: 9601, language_code: 'ru' };
    const calm = { id: 9602, language_code: 'en' };
    const running = await bot();
    const asked = Date.now();
    for (let i = 0; i < 40; i++) api.text(flooder, `${questions[0]?.question} ${i}`);
    api.text(calm, questions[2]?.question ?? '');
    await until(() => api.messagesTo(calm.id).length === 1, 10_000, 'the calm user’s answer');
    const calmMs = (api.messagesTo(calm.id)[0]?.at ?? 0) - asked;
    expect(calmMs).toBeLessThan(1500);
    const notice = i18n.t('flood.slowDown', { lng: 'ru' });
    await until(() => api.messagesTo(flooder.id).some((m) => m.text === notice), 20_000, 'the notice');
    // The rest of the flood is skipped after the notice; give the bot the moment it takes to confirm it.
    await until(() => api.pendingUpdateIds.length === 0, 20_000, 'every flood update confirmed');
    await running.stop();
    stop = undefined;
    const toFlooder = api.messagesTo(flooder.id);
    expect(toFlooder.filter((m) => m.text === notice)).toHaveLength(1);
    // The burst flood control lets through, the notice, and at most one more as the bucket refills.
    expect(toFlooder.length).toBeLessThanOrEqual(DEFAULT_FLOOD_OPTIONS.burst + 2);
    // Everything the flooder sent was dealt with (answered or deliberately skipped) and confirmed.
    expect(api.pendingUpdateIds).toEqual([]);
    recordFigures('flood', {
      flooderMessages: 40,
      repliesToFlooder: toFlooder.length,
      notices: 1,
      calmUserAnsweredMs: calmMs,
    });
  }, 40_000);
});
