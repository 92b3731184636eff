import fc from 'fast-check';
import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { htmlToPlain } from '../../src/bot/html.js';
import {
  createOutbound,
  DEFAULT_OUTBOUND_OPTIONS,
  OutboundAbortedError,
  type OutboundOptions,
} from '../../src/bot/outbound.js';
import { checkProperty, PROPERTY_TIMEOUT_MS } from '../reliability/figures.js';
import { capturedLogger } from '../support/logger.js';

const captured = () => capturedLogger();

interface Sent {
  method: string;
  payload: Record<string, unknown>;
  at: number;
}

/**
 * A Bot API stand-in: records each attempt, and fails it if `fail` says so.
 */
function fakeApi(fail: (attempt: Sent, nth: number) => Error | undefined = () => undefined, latencyMs = 0) {
  const attempts: Sent[] = [];
  const delivered: Sent[] = [];
  const send = (method: string) => async (payload: object) => {
    const attempt = { method, payload: payload as Record<string, unknown>, at: Date.now() };
    attempts.push(attempt);
    const nth = attempts.filter((a) => a.payload.text === attempt.payload.text).length;
    const latency = typeof latencyMs === 'number' ? latencyMs : 0;
    if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
    const error = fail(attempt, nth);
    if (error) throw error;
    delivered.push(attempt);
    return true;
  };
  return { attempts, delivered, send };
}

const tooMany = (seconds: number) =>
  new TelegramError({
    error_code: 429,
    description: `Too Many Requests: retry after ${seconds}`,
    parameters: { retry_after: seconds },
  });
const blocked = () =>
  new TelegramError({ error_code: 403, description: 'Forbidden: bot was blocked by the user' });
const networkError = () =>
  Object.assign(new Error('request failed, reason: socket hang up'), { name: 'FetchError' });

const fast: Partial<OutboundOptions> = {
  perChat: { cap: 1, intervalMs: 100 },
  perGroup: { cap: 20, intervalMs: 60_000 },
  global: { cap: 1000, intervalMs: 1000 },
  backoffMs: 20,
};

const message = (chatId: number | string, text: string) => ({ chat_id: chatId, text, parse_mode: 'HTML' });

/**
 * Largest number of attempts that started within any window of `windowMs`, give or take the few
 * milliseconds by which this clock and p-queue's may disagree.
 */
function busiestWindow(times: number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let most = 0;
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i] ?? 0;
    most = Math.max(most, sorted.filter((t) => t >= start && t < start + windowMs - 5).length);
  }
  return most;
}

describe('outbound queue: Telegram limits', () => {
  it('keeps a chat to about one message per second, in order (the default limits)', async () => {
    const api = fakeApi();
    const outbound = createOutbound(captured().logger);
    await Promise.all(
      ['1', '2', '3'].map((text) => outbound.call('sendMessage', message(7, text), api.send('sendMessage'))),
    );
    expect(api.delivered.map((s) => s.payload.text)).toEqual(['1', '2', '3']);
    const [a, b, c] = api.delivered.map((s) => s.at);
    // Timers and Date.now() may each be a few milliseconds off on a loaded machine.
    expect((b ?? 0) - (a ?? 0)).toBeGreaterThanOrEqual(DEFAULT_OUTBOUND_OPTIONS.perChat.intervalMs - 20);
    expect((c ?? 0) - (b ?? 0)).toBeGreaterThanOrEqual(DEFAULT_OUTBOUND_OPTIONS.perChat.intervalMs - 20);
  });

  it('sends at most 30 messages in any second overall, however many chats (the default limits)', async () => {
    const api = fakeApi();
    const outbound = createOutbound(captured().logger);
    const chats = Array.from({ length: 45 }, (_, i) => 1000 + i);
    const started = Date.now();
    await Promise.all(
      chats.map((chat) => outbound.call('sendMessage', message(chat, `to ${chat}`), api.send('sendMessage'))),
    );
    expect(api.delivered).toHaveLength(45);
    expect(
      busiestWindow(
        api.delivered.map((s) => s.at),
        1000,
      ),
    ).toBeLessThanOrEqual(30);
    // ...but no slower than that: the first 30 go out at once.
    expect(api.delivered.filter((s) => s.at - started < 200)).toHaveLength(30);
  });

  it('keeps a group within its per-minute allowance (scaled down: 5 per 500 ms)', async () => {
    const api = fakeApi();
    const outbound = createOutbound(captured().logger, {
      ...fast,
      perChat: { cap: 1, intervalMs: 10 },
      perGroup: { cap: 5, intervalMs: 500 },
    });
    const texts = Array.from({ length: 12 }, (_, i) => `g${i}`);
    await Promise.all(
      texts.map((text) => outbound.call('sendMessage', message(-100_123, text), api.send('sendMessage'))),
    );
    expect(api.delivered.map((s) => s.payload.text)).toEqual(texts);
    expect(
      busiestWindow(
        api.delivered.map((s) => s.at),
        500,
      ),
    ).toBeLessThanOrEqual(5);
  });

  it('lets a chat action ("typing…") through at once, ahead of a backlog of answers', async () => {
    const api = fakeApi();
    const outbound = createOutbound(captured().logger, { ...fast, perChat: { cap: 1, intervalMs: 300 } });
    const answers = ['a', 'b', 'c'].map((text) =>
      outbound.call('sendMessage', message(8, text), api.send('sendMessage')),
    );
    await outbound.call('sendChatAction', { chat_id: 8, action: 'typing' }, api.send('sendChatAction'));
    expect(api.attempts.map((a) => a.method)).toEqual(['sendMessage', 'sendChatAction']);
    await Promise.all(answers);
  });

  it('skips a chat action while answers wait for the global limit, so it never takes an answer’s slot', async () => {
    const api = fakeApi();
    const outbound = createOutbound(captured().logger, { ...fast, global: { cap: 4, intervalMs: 1000 } });
    // Eight answers to eight chats: four go out now, four wait for the next second.
    const answers = Array.from({ length: 8 }, (_, i) =>
      outbound.call('sendMessage', message(100 + i, `a${i}`), api.send('sendMessage')),
    );
    await outbound.call('sendChatAction', { chat_id: 100, action: 'typing' }, api.send('sendChatAction'));
    expect(outbound.stats.skippedChatActions).toBe(1);
    await Promise.all(answers);
    expect(api.attempts.map((a) => a.method)).not.toContain('sendChatAction');
    // Idle again (a new window): the next one goes out.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await outbound.call('sendChatAction', { chat_id: 100, action: 'typing' }, api.send('sendChatAction'));
    expect(api.attempts.filter((a) => a.method === 'sendChatAction')).toHaveLength(1);
  });

  it('abandons a call with no answer at its deadline, without holding its chat for further attempts', async () => {
    let calls = 0;
    const hang = (_payload: object, signal: AbortSignal) => {
      calls += 1;
      // A request that honours its signal, like telegraf's: the deadline aborts it.
      return new Promise<never>((_, reject) => signal.addEventListener('abort', () => reject(signal.reason)));
    };
    const outbound = createOutbound(captured().logger, { ...fast, timeoutMs: 200 });
    const started = Date.now();
    const hung = outbound.call('sendMessage', message(5, 'x'), hang);
    await expect(hung).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(Date.now() - started).toBeGreaterThanOrEqual(190);
    expect(calls).toBe(1);
    // The chat is free again: its next message goes out at once.
    const api = fakeApi();
    await outbound.call('sendMessage', message(5, 'y'), api.send('sendMessage'));
    expect(Date.now() - started).toBeLessThan(1500);
    expect(outbound.stats.failed).toBe(1);
  });

  it('does not let a slow call in one chat hold up another chat', async () => {
    const slowChat = 11;
    const attempts: Sent[] = [];
    const send = (ms: number) => async (payload: object) => {
      await new Promise((resolve) => setTimeout(resolve, ms));
      attempts.push({ method: 'sendMessage', payload: payload as Record<string, unknown>, at: Date.now() });
      return true;
    };
    const outbound = createOutbound(captured().logger, fast);
    const started = Date.now();
    const slow = outbound.call('sendMessage', message(slowChat, 'slow'), send(1500));
    await outbound.call('sendMessage', message(12, 'quick'), send(10));
    expect(Date.now() - started).toBeLessThan(500);
    await slow;
    expect(attempts.map((a) => a.payload.text)).toEqual(['quick', 'slow']);
  });
});

describe('outbound queue: Telegram faults', () => {
  it('honours 429 retry_after, then sends, keeping the chat in order while other chats go on', async () => {
    const api = fakeApi((attempt, nth) =>
      attempt.payload.text === 'first' && nth === 1 ? tooMany(1) : undefined,
    );
    const { logger, lines } = captured();
    const outbound = createOutbound(logger, fast);
    const started = Date.now();
    const chat = Promise.all(
      ['first', 'second'].map((text) =>
        outbound.call('sendMessage', message(5, text), api.send('sendMessage')),
      ),
    );
    await outbound.call('sendMessage', message(6, 'elsewhere'), api.send('sendMessage'));
    await chat;
    expect(api.delivered.map((s) => s.payload.text)).toEqual(['elsewhere', 'first', 'second']);
    const retried = api.attempts.filter((a) => a.payload.text === 'first');
    expect(retried).toHaveLength(2);
    expect((retried[1]?.at ?? 0) - started).toBeGreaterThanOrEqual(1000);
    expect(outbound.stats).toMatchObject({ rateLimited: 1, sent: 3, failed: 0 });
    expect(lines.some((l) => l.retryAfterMs === 1000)).toBe(true);
  });

  it('gives up on a retry_after longer than it is willing to wait', async () => {
    const api = fakeApi(() => tooMany(120));
    const outbound = createOutbound(captured().logger, fast);
    await expect(outbound.call('sendMessage', message(5, 'x'), api.send('sendMessage'))).rejects.toThrow(
      /429/,
    );
    expect(api.attempts).toHaveLength(1);
  });

  it('logs a 403 (the user blocked the bot) and does not retry it', async () => {
    const api = fakeApi(() => blocked());
    const { logger, lines } = captured();
    const outbound = createOutbound(logger, fast);
    await expect(
      outbound.call('sendMessage', message(9, 'hello'), api.send('sendMessage')),
    ).rejects.toMatchObject({ code: 403 });
    expect(api.attempts).toHaveLength(1);
    expect(outbound.stats.forbidden).toBe(1);
    expect(lines.filter((l) => String(l.msg).includes('blocked the bot'))).toHaveLength(1);
  });

  it('sends a message again as plain text when Telegram cannot parse its HTML', async () => {
    const html = '<b>Date</b>\n\nThe forum opened on 14 August &amp; closed <i>that day</i>.';
    const api = fakeApi((attempt) =>
      attempt.payload.parse_mode === 'HTML'
        ? new TelegramError({
            error_code: 400,
            description: 'Bad Request: can\'t parse entities: Unsupported start tag "b" at byte offset 0',
          })
        : undefined,
    );
    const outbound = createOutbound(captured().logger, fast);
    await outbound.call(
      'sendMessage',
      { chat_id: 4, text: html, parse_mode: 'HTML' },
      api.send('sendMessage'),
    );
    expect(api.attempts).toHaveLength(2);
    expect(api.delivered[0]?.payload).toEqual({ chat_id: 4, text: htmlToPlain(html) });
    expect(htmlToPlain(html)).toBe('Date\n\nThe forum opened on 14 August & closed that day.');
    expect(outbound.stats.plainFallbacks).toBe(1);
  });

  it('retries 5xx answers and dropped connections with growing waits, then gives up', async () => {
    let failures = 3;
    const api = fakeApi(() =>
      failures-- > 0
        ? failures % 2
          ? networkError()
          : new TelegramError({ error_code: 502, description: 'Bad Gateway' })
        : undefined,
    );
    const outbound = createOutbound(captured().logger, fast);
    await outbound.call('sendMessage', message(3, 'x'), api.send('sendMessage'));
    const gaps = api.attempts.slice(1).map((a, i) => a.at - (api.attempts[i]?.at ?? 0));
    expect(gaps).toHaveLength(3);
    expect(gaps[0]).toBeGreaterThanOrEqual(20 - 2);
    expect(gaps[1]).toBeGreaterThanOrEqual(40 - 2);
    expect(gaps[2]).toBeGreaterThanOrEqual(80 - 2);

    const down = fakeApi(() => new TelegramError({ error_code: 500, description: 'Internal Server Error' }));
    await expect(
      outbound.call('sendMessage', message(3, 'y'), down.send('sendMessage')),
    ).rejects.toMatchObject({ code: 500 });
    expect(down.attempts).toHaveLength(
      1 + (fast.maxServerRetries ?? DEFAULT_OUTBOUND_OPTIONS.maxServerRetries),
    );
  });

  it('gives up every wait at once when aborted (the end of a shutdown grace period)', async () => {
    const api = fakeApi(() => tooMany(30));
    const outbound = createOutbound(captured().logger, { ...fast, maxRetryAfterMs: 60_000 });
    const calls = ['a', 'b'].map((text) =>
      outbound.call('sendMessage', message(1, text), api.send('sendMessage')),
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const started = Date.now();
    outbound.abort();
    for (const call of calls) await expect(call).rejects.toBeInstanceOf(OutboundAbortedError);
    expect(Date.now() - started).toBeLessThan(200);
    expect(outbound.pending).toBe(0);
  });

  it('when aborted, lets a call already on the wire finish (it may deliver), and drops those still waiting', async () => {
    const outbound = createOutbound(captured().logger, { ...fast, perChat: { cap: 1, intervalMs: 500 } });
    const slow = async () => {
      await new Promise((resolve) => setTimeout(resolve, 150));
      return 'delivered';
    };
    const onTheWire = outbound.call('sendMessage', message(2, 'a'), slow);
    const waiting = outbound.call('sendMessage', message(2, 'b'), slow);
    await new Promise((resolve) => setTimeout(resolve, 20));
    outbound.abort();
    await expect(waiting).rejects.toBeInstanceOf(OutboundAbortedError);
    expect(await onTheWire).toBe('delivered');
  });

  it(
    'never loses or reorders a chat’s messages, whatever the latencies and 429s (property)',
    async () => {
      await checkProperty(
        'outbound: order and delivery under latencies and 429s',
        fc.asyncProperty(
          fc.array(fc.tuple(fc.integer({ min: 1, max: 4 }), fc.integer({ min: 0, max: 15 }), fc.boolean()), {
            minLength: 1,
            maxLength: 25,
          }),
          async (plan) => {
            const latency = new Map<string, number>();
            const storms = new Set<string>();
            const texts = plan.map(([chat, ms, storm], i) => {
              const text = `${chat}:${i}`;
              latency.set(text, ms);
              if (storm) storms.add(text);
              return { chat, text };
            });
            const delivered: string[] = [];
            const outbound = createOutbound(captured().logger, {
              ...fast,
              perChat: { cap: 1000, intervalMs: 1000 },
            });
            await Promise.all(
              texts.map(({ chat, text }) =>
                outbound.call('sendMessage', message(chat, text), async () => {
                  await new Promise((resolve) => setTimeout(resolve, latency.get(text)));
                  // The first attempt of a "storm" message is answered 429 with retry_after 0.
                  if (storms.delete(text)) throw tooMany(0);
                  delivered.push(text);
                  return true;
                }),
              ),
            );
            for (const chat of [1, 2, 3, 4]) {
              const expected = texts.filter((t) => t.chat === chat).map((t) => t.text);
              expect(delivered.filter((d) => d.startsWith(`${chat}:`))).toEqual(expected);
            }
          },
        ),
        60,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('outbound queue: what the metrics see', () => {
  it('reports every request sent, retries included, with its outcome', async () => {
    const seen: string[] = [];
    const observer = { countApiCall: (method: string, outcome: string) => seen.push(`${method} ${outcome}`) };
    const api = fakeApi((_, nth) => (nth === 1 ? tooMany(0.01) : nth === 2 ? networkError() : undefined));
    const outbound = createOutbound(captured().logger, fast, observer);
    await outbound.call('sendMessage', message(1, 'hi'), api.send('sendMessage'));
    expect(seen).toEqual(['sendMessage 429', 'sendMessage error', 'sendMessage ok']);
  });

  it('tells when the oldest call still waiting was given, and forgets it once sent', async () => {
    let now = 1_000;
    const outbound = createOutbound(captured().logger, fast, undefined, () => now);
    expect(outbound.oldestPendingAt).toBeUndefined();
    let release: () => void = () => {};
    const held = new Promise<void>((resolve) => {
      release = resolve;
    });
    const first = outbound.call('sendMessage', message(1, 'a'), async () => held);
    now = 2_000;
    const second = outbound.call('sendMessage', message(2, 'b'), async () => held);
    expect(outbound.oldestPendingAt).toBe(1_000);
    release();
    await Promise.all([first, second]);
    expect(outbound.oldestPendingAt).toBeUndefined();
    expect(outbound.pending).toBe(0);
  });
});
