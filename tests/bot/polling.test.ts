import { pino } from 'pino';
import { TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../../src/bot/dispatcher.js';
import { createPoller, type GetUpdates } from '../../src/bot/polling.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { createMemoryUpdateJournal } from '../../src/store/updates.js';
import { capturedLogger } from '../support/logger.js';

const silent = pino({ level: 'silent' });
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const text = (id: number, chatId: number) =>
  ({
    update_id: id,
    message: { message_id: id, date: 0, chat: { id: chatId, type: 'private' }, text: 't' },
  }) as unknown as Update;

/** Telegram's getUpdates in memory: updates stay until an offset above them is asked for. */
function fakeTelegram(updates: Update[], faults: Array<Error | undefined> = []) {
  let queue = [...updates];
  const offsets: number[] = [];
  const getUpdates: GetUpdates = async ({ offset, limit, timeout }, signal) => {
    offsets.push(offset);
    const fault = faults.shift();
    if (fault) throw fault;
    queue = queue.filter((u) => u.update_id >= offset);
    if (queue.length === 0 && timeout > 0) {
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 30);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
      if (signal.aborted) throw Object.assign(new Error('aborted'), { name: 'AbortError' });
    }
    return queue.slice(0, limit);
  };
  return {
    getUpdates,
    offsets,
    pending: () => queue.map((u) => u.update_id),
    push: (u: Update) => queue.push(u),
  };
}

const fastPolling = { redeliveryPauseMs: 5, backoffMs: 20, maxBackoffMs: 200 };

/** A fast poller over the fake Telegram, with a fresh journal. */
const pollerOver = ({ getUpdates }: { getUpdates: GetUpdates }, dispatcher: Dispatcher) =>
  createPoller({
    getUpdates,
    dispatcher,
    journal: createMemoryUpdateJournal(),
    logger: silent,
    options: fastPolling,
  });

describe('poller', () => {
  it('takes an update the store was down for again, until it is handled, and confirms it then', async () => {
    const telegram = fakeTelegram([text(1, 10), text(2, 20)]);
    let storeDown = true;
    const attempts: number[] = [];
    const handled: number[] = [];
    const dispatcher = createDispatcher(async (u) => {
      attempts.push(u.update_id);
      if (u.update_id === 1 && storeDown) throw new StoreUnavailableError('down');
      handled.push(u.update_id);
    }, silent);
    const poller = pollerOver(telegram, dispatcher);
    const running = poller.run();
    while (attempts.filter((id) => id === 1).length < 3) await wait(10);
    // Meanwhile other chats go on, and nothing past update 1 is confirmed.
    expect(handled).toEqual([2]);
    expect(Math.max(...telegram.offsets)).toBe(1);
    storeDown = false;
    while (telegram.pending().length > 0) await wait(10);
    poller.stop();
    await running;
    expect(handled).toEqual([2, 1]);
    expect(poller.summary).toMatchObject({ handled: 2 });
  });

  it('never confirms an update still being handled, and does not let it hold up other chats', async () => {
    const handled: number[] = [];
    const telegram = fakeTelegram([text(1, 10), text(2, 20)]);
    const dispatcher = createDispatcher(async (u) => {
      await wait(u.update_id === 1 ? 300 : 1);
      handled.push(u.update_id);
    }, silent);
    const poller = pollerOver(telegram, dispatcher);
    const running = poller.run();
    await wait(100);
    telegram.push(text(3, 30));
    await wait(100);
    // 2 and 3 are done while 1 is still running; the offset stays at 1 all the while.
    expect(handled).toEqual([2, 3]);
    expect(Math.max(...telegram.offsets)).toBe(1);
    await wait(250);
    expect(handled).toEqual([2, 3, 1]);
    expect(telegram.offsets.at(-1)).toBe(4);
    poller.stop();
    await running;
    expect(poller.summary).toMatchObject({ handled: 3, released: 0 });
  });

  it('at stop, confirms only what was handled: released updates stay with Telegram', async () => {
    const telegram = fakeTelegram([text(1, 10), text(2, 10), text(3, 20)]);
    const dispatcher = createDispatcher(() => wait(100), silent);
    const journal = createMemoryUpdateJournal();
    const poller = createPoller({ ...telegram, dispatcher, journal, logger: silent, options: fastPolling });
    const running = poller.run();
    await wait(30);
    poller.stop();
    await running;
    await dispatcher.drain(1000);
    await poller.confirm(500);
    // 1 and 3 ran to the end; 2 waited behind 1 and was released: the offset stops at 2.
    expect(telegram.offsets.at(-1)).toBe(2);
    expect(telegram.pending()).toEqual([2, 3]);
    // 3 was handled beyond the offset: the journal lets the next run skip it when it comes again.
    expect(await journal.handledUpdates()).toEqual([3]);
    const handledAgain: number[] = [];
    const next = createPoller({
      ...telegram,
      dispatcher: createDispatcher(async (u) => {
        handledAgain.push(u.update_id);
      }, silent),
      journal,
      logger: silent,
      options: fastPolling,
    });
    const rerun = next.run();
    await wait(80);
    next.stop();
    await rerun;
    expect(handledAgain).toEqual([2]);
    expect(next.summary).toMatchObject({ handled: 1, skipped: 1 });
    expect(telegram.pending()).toEqual([]);
  });

  it('retries a 5xx, a dropped connection and a 429 with backoff, and resumes', async () => {
    const faults = [
      new TelegramError({ error_code: 502, description: 'Bad Gateway' }),
      Object.assign(new Error('socket hang up'), { name: 'FetchError' }),
      new TelegramError({
        error_code: 429,
        description: 'Too Many Requests',
        parameters: { retry_after: 0 },
      }),
      new TelegramError({ error_code: 500, description: 'Internal Server Error' }),
    ];
    const telegram = fakeTelegram([text(1, 10)], faults);
    const handled: number[] = [];
    const times: number[] = [];
    const timed: GetUpdates = (params, signal) => {
      times.push(Date.now());
      return telegram.getUpdates(params, signal);
    };
    const dispatcher = createDispatcher(async (u) => {
      handled.push(u.update_id);
    }, silent);
    const poller = pollerOver({ getUpdates: timed }, dispatcher);
    const running = poller.run();
    await wait(400);
    poller.stop();
    await running;
    expect(handled).toEqual([1]);
    expect(poller.summary.failures).toBe(4);
    const gaps = times.slice(1, 5).map((t, i) => t - (times[i] ?? 0));
    // 20 ms, then 40 ms; the 429's retry_after (0 s); then 80 ms.
    expect(gaps[0]).toBeGreaterThanOrEqual(18);
    expect(gaps[1]).toBeGreaterThanOrEqual(38);
    expect(gaps[3]).toBeGreaterThanOrEqual(78);
  });

  it('gives up on errors retrying cannot fix (a revoked token)', async () => {
    const telegram = fakeTelegram([], [new TelegramError({ error_code: 401, description: 'Unauthorized' })]);
    const poller = createPoller({
      ...telegram,
      dispatcher: createDispatcher(async () => {}, silent),
      journal: createMemoryUpdateJournal(),
      logger: silent,
    });
    await expect(poller.run()).rejects.toMatchObject({ code: 401 });
  });

  it('gives up on a getUpdates call that never answers (a silently dead connection) and polls again', async () => {
    const telegram = fakeTelegram([text(1, 10)]);
    let calls = 0;
    const hangOnce: GetUpdates = (params, signal) => {
      calls += 1;
      if (calls > 1) return telegram.getUpdates(params, signal);
      return new Promise((_, reject) =>
        signal.addEventListener('abort', () =>
          reject(Object.assign(new Error('aborted'), { name: 'AbortError' })),
        ),
      );
    };
    const handled: number[] = [];
    const dispatcher = createDispatcher(async (u) => {
      handled.push(u.update_id);
    }, silent);
    const poller = createPoller({
      getUpdates: hangOnce,
      dispatcher,
      journal: createMemoryUpdateJournal(),
      logger: silent,
      options: { ...fastPolling, timeoutSeconds: 0, hungPollMarginMs: 100 },
    });
    const running = poller.run();
    await wait(400);
    poller.stop();
    await running;
    expect(handled).toEqual([1]);
    expect(poller.summary.failures).toBe(1);
  });

  const conflict = () =>
    new TelegramError({
      error_code: 409,
      description:
        'Conflict: terminated by other getUpdates request; make sure that only one bot instance is running',
    });

  it('an established poller keeps polling through a 409 from a newer instance', async () => {
    const telegram = fakeTelegram([text(1, 10)]);
    const handled: number[] = [];
    const dispatcher = createDispatcher(async (u) => {
      handled.push(u.update_id);
    }, silent);
    const { logger, lines } = capturedLogger();
    let conflicts = 0;
    const getUpdates: GetUpdates = (params, signal) => {
      // Once established, a newer instance's getUpdates cuts this one's short, three times in a row.
      if (handled.length > 0 && conflicts < 3) {
        conflicts += 1;
        return Promise.reject(conflict());
      }
      return telegram.getUpdates(params, signal);
    };
    const poller = createPoller({
      getUpdates,
      dispatcher,
      journal: createMemoryUpdateJournal(),
      logger,
      options: { ...fastPolling, establishedAfterMs: 0 },
    });
    const running = poller.run();
    while (conflicts < 3) await wait(10);
    telegram.push(text(2, 10));
    while (handled.length < 2) await wait(10);
    poller.stop();
    await running;
    expect(handled).toEqual([1, 2]);
    // Said once, and the repeats counted at stop, not three lines.
    const said = lines.filter((l) => String(l.msg).startsWith('another instance polls'));
    expect(said.map((l) => l.repeated)).toEqual([undefined, 2]);
  });

  it('a poller that has just started stops on a 409: the established one goes on', async () => {
    const telegram = fakeTelegram([], [conflict()]);
    const poller = createPoller({
      ...telegram,
      dispatcher: createDispatcher(async () => {}, silent),
      journal: createMemoryUpdateJournal(),
      logger: silent,
      options: fastPolling,
    });
    await expect(poller.run()).rejects.toMatchObject({ code: 409 });
  });

  it('a webhook set meanwhile (409) stops even an established poller', async () => {
    const webhookSet = new TelegramError({
      error_code: 409,
      description:
        "Conflict: can't use getUpdates method while webhook is active; use deleteWebhook to delete the webhook first",
    });
    let calls = 0;
    const telegram = fakeTelegram([]);
    const getUpdates: GetUpdates = (params, signal) =>
      ++calls > 2 ? Promise.reject(webhookSet) : telegram.getUpdates(params, signal);
    const poller = createPoller({
      getUpdates,
      dispatcher: createDispatcher(async () => {}, silent),
      journal: createMemoryUpdateJournal(),
      logger: silent,
      options: { ...fastPolling, establishedAfterMs: 0 },
    });
    await expect(poller.run()).rejects.toMatchObject({ code: 409 });
  });

  it('a journal that cannot be written (a full disk) is warned about once, with the count of repeats', async () => {
    const updates = Array.from({ length: 40 }, (_, i) => text(i + 1, 100 + i));
    const telegram = fakeTelegram(updates);
    const journal = createMemoryUpdateJournal();
    journal.markUpdateHandled = async () => {
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const { logger, lines } = capturedLogger();
    let handled = 0;
    const dispatcher = createDispatcher(async () => {
      handled += 1;
    }, silent);
    const poller = createPoller({ ...telegram, dispatcher, journal, logger, options: fastPolling });
    const running = poller.run();
    while (handled < 40 || telegram.pending().length > 0) await wait(10);
    poller.stop();
    await running;
    const warnings = lines.filter((l) => l.msg === 'could not record a handled update');
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.repeated).toBe(39);
  });
});
