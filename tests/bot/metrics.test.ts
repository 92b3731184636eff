import { TelegramError } from 'telegraf';
import { describe, expect, it } from 'vitest';
import { apiOutcome, createMetrics, updateKind } from '../../src/bot/metrics.js';
import { sampleValue } from '../support/prometheus.js';
import { createHarness, textMessage } from './helpers.js';

const scrape = (metrics: ReturnType<typeof createMetrics>) => metrics.registry.metrics();

describe('metrics', () => {
  it('lives in a registry of its own: two bots in one process each count their own', async () => {
    const one = createMetrics();
    const two = createMetrics();
    one.countUpdate({ update_id: 1, message: {} });
    expect(sampleValue(await scrape(one), 'forum_bot_updates_total', { kind: 'message' })).toBe(1);
    expect(sampleValue(await scrape(two), 'forum_bot_updates_total', { kind: 'message' })).toBe(0);
    // Node's process metrics come along, under the same prefix.
    expect(await scrape(two)).toMatch(/^forum_bot_process_cpu_user_seconds_total \d/m);
  });

  it('counts updates by kind, and kinds Telegram does not have as "other"', () => {
    expect(updateKind({ update_id: 1, callback_query: {} })).toBe('callback_query');
    expect(updateKind({ update_id: 1, made_up_kind: {} })).toBe('other');
    expect(updateKind({ update_id: 1 })).toBe('other');
  });

  it.each([
    [undefined, 'ok'],
    [new TelegramError({ error_code: 429, description: 'Too Many Requests' }), '429'],
    [new TelegramError({ error_code: 502, description: 'Bad Gateway' }), '5xx'],
    [new TelegramError({ error_code: 400, description: 'Bad Request' }), 'error'],
    [Object.assign(new Error('timeout'), { name: 'FetchError', type: 'request-timeout' }), 'timeout'],
    [Object.assign(new Error('timeout'), { name: 'TimeoutError' }), 'timeout'],
    [Object.assign(new Error('refused'), { name: 'FetchError', code: 'ECONNREFUSED' }), 'error'],
  ])('tells the outcome of a Bot API call: %s is %s', (error, outcome) => {
    expect(apiOutcome(error)).toBe(outcome);
  });

  it('reports the outbound queue and the store as the gauges read them at scrape time', async () => {
    let now = 10_000;
    const metrics = createMetrics(() => now);
    metrics.watch({
      outbound: { pending: 3, oldestPendingAt: 7_500 },
      dispatcher: { inFlight: 2 },
      store: { ping: () => Promise.reject(new Error('down')) },
    });
    let text = await scrape(metrics);
    expect(sampleValue(text, 'forum_bot_outbound_pending')).toBe(3);
    expect(sampleValue(text, 'forum_bot_outbound_oldest_seconds')).toBe(2.5);
    expect(sampleValue(text, 'forum_bot_updates_in_flight')).toBe(2);
    expect(text).toMatch(/^forum_bot_store_up 0$/m);
    now = 12_000;
    metrics.watch({ store: { ping: async () => {} } });
    text = await scrape(metrics);
    expect(sampleValue(text, 'forum_bot_outbound_oldest_seconds')).toBe(4.5);
    expect(text).toMatch(/^forum_bot_store_up 1$/m);
  });

  it('counts each question answered by result kind and reply language, and times the engine', async () => {
    const metrics = createMetrics();
    const h = createHarness({ deps: { metrics } });
    await h.handle(textMessage('When did the forum open?', { id: 5, language_code: 'en' }));
    await h.handle(textMessage('Когда открылся форум?', { id: 6, language_code: 'en' }));
    await h.handle(textMessage('qwxz zzkv plork', { id: 7, language_code: 'en' }));
    const text = await scrape(metrics);
    expect(sampleValue(text, 'forum_bot_answers_total', { kind: 'answer', lang: 'en' })).toBe(1);
    expect(sampleValue(text, 'forum_bot_answers_total', { kind: 'answer', lang: 'ru' })).toBe(1);
    const unanswered = ['suggestions', 'notFound'].map((kind) =>
      sampleValue(text, 'forum_bot_answers_total', { kind, lang: 'en' }),
    );
    expect(unanswered.reduce((a, b) => a + b)).toBe(1);
    expect(sampleValue(text, 'forum_bot_engine_seconds_count')).toBe(3);
    // Commands are not questions.
    await h.handle(textMessage('/help', { id: 5, language_code: 'en' }));
    expect(sampleValue(await scrape(metrics), 'forum_bot_engine_seconds_count')).toBe(3);
  });
});
