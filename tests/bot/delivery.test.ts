import { TelegramError } from 'telegraf';
import { afterEach, describe, expect, it } from 'vitest';
import { createDelivery, type Delivery, type DeliveryOptions } from '../../src/bot/delivery.js';
import { createMemoryOutbox, type OutboxStore } from '../../src/store/outbox.js';
import { capturedLogger } from '../support/logger.js';

const fast: Partial<DeliveryOptions> = { handOverMs: 200, backoffMs: 50, scanIntervalMs: 50, leaseMs: 500 };
const running: Delivery[] = [];
afterEach(async () => {
  for (const delivery of running.splice(0)) await delivery.stop(100);
});

/** What reached "Telegram", per attempt. */
function fakeTelegram(fail: (text: string, nth: number) => Error | undefined = () => undefined) {
  const attempts: string[] = [];
  const sent: Array<{ chat: unknown; text: string }> = [];
  const call = async (_method: string, payload: Record<string, unknown>) => {
    const text = String(payload.text);
    attempts.push(text);
    const error = fail(text, attempts.filter((t) => t === text).length);
    if (error) throw error;
    sent.push({ chat: payload.chat_id, text });
    return { message_id: sent.length };
  };
  return { attempts, sent, call };
}

async function start(store: OutboxStore, call: ReturnType<typeof fakeTelegram>['call'], options = fast) {
  const { logger, lines } = capturedLogger();
  const delivery = createDelivery({ store, call, logger, options });
  await delivery.start();
  running.push(delivery);
  return { delivery, lines };
}

const until = async (check: () => boolean, timeoutMs = 5000) => {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
};

const serverError = () => new TelegramError({ error_code: 502, description: 'Bad Gateway' });

describe('the outbox sender', () => {
  it('sends what is owed once, in order per chat, and hands the result to the waiting handler', async () => {
    const api = fakeTelegram();
    const { delivery } = await start(createMemoryOutbox(), api.call);
    const results = await Promise.all(
      ['a1', 'b1', 'a2', 'a3'].map((text) => delivery.owe('sendMessage', { chat_id: text[0], text })),
    );
    expect(results).toEqual([{ message_id: 1 }, { message_id: 2 }, { message_id: 3 }, { message_id: 4 }]);
    expect(api.sent.filter((m) => m.chat === 'a').map((m) => m.text)).toEqual(['a1', 'a2', 'a3']);
  });

  it('keeps a failing reply owed, lets its handler go on, and retries it with doubling waits until sent', async () => {
    const at: number[] = [];
    const api = fakeTelegram((_text, nth) => {
      at.push(Date.now());
      return nth <= 3 ? serverError() : undefined;
    });
    const store = createMemoryOutbox();
    const { delivery, lines } = await start(store, api.call);
    // The handler goes on after the first failure: the reply is owed, not lost.
    expect(await delivery.owe('sendMessage', { chat_id: 1, text: 'x' })).toBeUndefined();
    expect((await store.outboxSummary()).depth).toBe(1);
    await until(() => api.sent.length === 1);
    const gaps = at.slice(1).map((t, i) => t - (at[i] ?? 0));
    for (const [i, min] of [50, 100, 200].entries()) expect(gaps[i]).toBeGreaterThanOrEqual(min - 5);
    expect(
      lines.filter((l) => l.msg === 'reply not sent; kept in the outbox and tried again later'),
    ).toHaveLength(3);
    expect((await store.outboxSummary()).depth).toBe(0);
  });

  it('hands a refusal for good (403) to the handler waiting for it, and forgets the reply', async () => {
    const api = fakeTelegram(
      () => new TelegramError({ error_code: 403, description: 'Forbidden: bot was blocked' }),
    );
    const store = createMemoryOutbox();
    const { delivery } = await start(store, api.call);
    await expect(delivery.owe('sendMessage', { chat_id: 1, text: 'x' })).rejects.toMatchObject({ code: 403 });
    expect(await store.owedCalls()).toEqual([]);
  });

  it('gives up a reply owed for longer than giveUpAfterMs, and says so', async () => {
    const store = createMemoryOutbox();
    await store.addOwedCall({
      chat: '1',
      method: 'sendMessage',
      payload: { chat_id: 1, text: 'stale' },
      createdAt: Date.now() - 2000,
    });
    const api = fakeTelegram();
    const { lines } = await start(store, api.call, { ...fast, giveUpAfterMs: 1000 });
    await until(() => lines.some((l) => l.msg === 'owed reply given up: not sent within a day'));
    expect(api.attempts).toEqual([]);
    expect(await store.owedCalls()).toEqual([]);
  });

  it('with two instances on one store, one sends (the lease holder), each reply once', async () => {
    const store = createMemoryOutbox();
    const api = fakeTelegram();
    const first = await start(store, api.call);
    const second = await start(store, api.call);
    await Promise.all([
      first.delivery.owe('sendMessage', { chat_id: 1, text: 'one' }),
      second.delivery.owe('sendMessage', { chat_id: 2, text: 'two' }),
      second.delivery.owe('sendMessage', { chat_id: 1, text: 'three' }),
    ]);
    await until(() => api.sent.length === 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.attempts.sort()).toEqual(['one', 'three', 'two']);
    expect(api.sent.filter((m) => m.chat === 1).map((m) => m.text)).toEqual(['one', 'three']);
    // The holder stops: once its lease runs out, the other one sends.
    await first.delivery.stop(100);
    await second.delivery.owe('sendMessage', { chat_id: 3, text: 'four' });
    await until(() => api.sent.length === 4, 3000);
  });
});
