import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SECRET_HEADER } from '../../src/bot/run.js';
import { sampleValue } from '../support/prometheus.js';
import { tempDirs } from '../support/temp-dirs.js';
import { distinctQuestions, startBot, until } from './bot-runner.js';
import { FakeBotApi } from './fake-bot-api.js';

const [{ question } = { question: '' }] = distinctQuestions(1);
const tempDir = tempDirs('forum-bot-metrics-');
const SECRET = 'metrics_secret-1';

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('Prometheus metrics of the running bot', () => {
  let api: FakeBotApi;
  beforeEach(async () => {
    api = await FakeBotApi.start();
  });
  afterEach(async () => {
    await api.stop();
  });

  it('in polling mode, serves /metrics on METRICS_PORT (127.0.0.1): updates, answers, Bot API calls, store', async () => {
    const port = await freePort();
    const bot = await startBot(
      api,
      tempDir(),
      { outbound: { backoffMs: 10 } },
      { METRICS_PORT: String(port) },
    );
    try {
      const url = `http://127.0.0.1:${port}/metrics`;
      expect(bot.logged('bot started')[0]).toMatchObject({ metrics: url });
      const before = await (await fetch(url)).text();
      expect(sampleValue(before, 'forum_bot_bot_api_calls_total', { method: 'getMe', outcome: 'ok' })).toBe(
        1,
      );
      expect(before).toMatch(/^forum_bot_store_up 1$/m);

      // The first answer meets a 502 and is sent again.
      api.fault = ({ method, nth }) =>
        method === 'sendMessage' && nth === 1 ? { status: 502, description: 'Bad Gateway' } : undefined;
      api.text({ id: 9101, language_code: 'en' }, question);
      await until(() => api.messagesTo(9101).length === 1, 5000, 'the answer');
      const after = await (await fetch(url)).text();
      const count = (name: string, labels: Record<string, string>) =>
        sampleValue(after, name, labels) - sampleValue(before, name, labels);
      expect(count('forum_bot_updates_total', { kind: 'message' })).toBe(1);
      expect(count('forum_bot_answers_total', { kind: 'answer', lang: 'en' })).toBe(1);
      expect(count('forum_bot_engine_seconds_count', {})).toBe(1);
      const sent = (outcome: string) =>
        count('forum_bot_bot_api_calls_total', { method: 'sendMessage', outcome });
      expect([sent('5xx'), sent('ok')]).toEqual([1, 1]);
      expect(count('forum_bot_bot_api_calls_total', { method: 'getUpdates', outcome: 'ok' })).toBeGreaterThan(
        0,
      );
      expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
    } finally {
      await bot.stop();
    }
    await expect(fetch(`http://127.0.0.1:${port}/metrics`)).rejects.toThrow();
  });

  it('in polling mode without METRICS_PORT, opens no port', async () => {
    const bot = await startBot(api, tempDir());
    await bot.stop();
    expect(bot.logged('bot started')[0]).not.toHaveProperty('metrics');
  });

  it('in webhook mode, serves /metrics on the webhook server, and refuses what no store could claim', async () => {
    const port = await freePort();
    const bot = await startBot(
      api,
      tempDir(),
      {},
      {
        BOT_MODE: 'webhook',
        WEBHOOK_DOMAIN: 'forum-bot.invalid',
        WEBHOOK_SECRET: SECRET,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
    );
    try {
      const base = `http://127.0.0.1:${port}`;
      const post = (body: string) =>
        fetch(`${base}/telegram/webhook`, {
          method: 'POST',
          headers: { [SECRET_HEADER]: SECRET, 'content-type': 'application/json' },
          body,
        });
      const message = {
        message: {
          message_id: 1,
          date: Math.floor(Date.now() / 1000),
          from: { id: 9201, is_bot: false, first_name: 'Hook', language_code: 'en' },
          chat: { id: 9201, type: 'private', first_name: 'Hook' },
          text: question,
        },
      };
      // 1e300 is an integer to JavaScript; the SQLite claim of it used to fail with a 500.
      const huge = JSON.stringify({ update_id: 0, ...message }).replace('"update_id":0', '"update_id":1e300');
      expect((await post(huge)).status).toBe(400);
      expect((await post(JSON.stringify({ update_id: 7, ...message }))).status).toBe(200);
      const text = await (await fetch(`${base}/metrics`)).text();
      expect(sampleValue(text, 'forum_bot_updates_total', { kind: 'message' })).toBe(1);
      expect(sampleValue(text, 'forum_bot_answers_total', { kind: 'answer', lang: 'en' })).toBe(1);
      expect(
        sampleValue(text, 'forum_bot_bot_api_calls_total', { method: 'sendMessage', outcome: 'ok' }),
      ).toBe(1);
      expect(sampleValue(text, 'forum_bot_webhook_refused_total', { reason: 'bad_update' })).toBe(1);
      expect(api.messagesTo(9201)).toHaveLength(1);
    } finally {
      await bot.stop();
    }
  });
});
