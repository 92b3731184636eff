import { pino } from 'pino';
import type { Update } from 'telegraf/types';
import { describe, expect, it } from 'vitest';
import { arrivalTime, createDispatcher, sequenceKey } from '../../src/bot/dispatcher.js';
import { OutboundAbortedError } from '../../src/bot/outbound.js';

const silent = pino({ level: 'silent' });
const text = (id: number, chatId: number) =>
  ({
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: { id: chatId, type: 'private' },
      from: { id: chatId },
      text: 't',
    },
  }) as unknown as Update;
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** A handler that records when each update starts and ends, taking `ms(update)` to finish. */
function recorder(ms: (update: Update) => number) {
  const events: string[] = [];
  const handle = async (update: Update) => {
    events.push(`start ${update.update_id}`);
    await wait(ms(update));
    events.push(`end ${update.update_id}`);
  };
  return { events, handle };
}

describe('dispatcher', () => {
  it('takes a chat’s updates one at a time, in order, and other chats’ in parallel', async () => {
    const { events, handle } = recorder((u) => (u.update_id === 1 ? 60 : 5));
    const dispatcher = createDispatcher(handle, silent);
    const outcomes = await Promise.all(
      [text(1, 10), text(2, 10), text(3, 20)].map((u) => dispatcher.dispatch(u)),
    );
    expect(outcomes).toEqual(['handled', 'handled', 'handled']);
    // Update 3 (another chat) neither waits for 1 nor is overtaken in its own chat; 2 waits for 1.
    expect(events.indexOf('start 3')).toBeLessThan(events.indexOf('end 1'));
    expect(events.indexOf('start 2')).toBeGreaterThan(events.indexOf('end 1'));
  });

  it('keys button presses by their message’s chat and inline queries by their user', () => {
    const press = { update_id: 1, callback_query: { from: { id: 5 }, message: { chat: { id: -9 } } } };
    const inline = { update_id: 2, inline_query: { from: { id: 5 }, query: '' } };
    expect(sequenceKey(press as unknown as Update)).toBe('chat:-9');
    expect(sequenceKey(inline as unknown as Update)).toBe('user:5');
    expect(sequenceKey({ update_id: 3 } as Update)).toBeUndefined();
  });

  it('on drain releases the updates that have not started and lets the running ones finish', async () => {
    const { events, handle } = recorder(() => 80);
    const dispatcher = createDispatcher(handle, silent);
    const outcomes = [text(1, 10), text(2, 10), text(3, 10), text(4, 20)].map((u) => dispatcher.dispatch(u));
    await wait(10);
    const drained = await dispatcher.drain(1000);
    expect(drained).toEqual({ unfinished: 0 });
    expect(await Promise.all(outcomes)).toEqual(['handled', 'released', 'released', 'handled']);
    expect(events).toEqual(['start 1', 'start 4', 'end 1', 'end 4']);
    expect(await dispatcher.dispatch(text(5, 30))).toBe('released');
  });

  it('reports the updates still running when the grace period ends', async () => {
    const dispatcher = createDispatcher(() => wait(500), silent);
    void dispatcher.dispatch(text(1, 10));
    await wait(5);
    const started = Date.now();
    expect(await dispatcher.drain(50)).toEqual({ unfinished: 1 });
    expect(Date.now() - started).toBeLessThan(300);
  });

  it('never rejects: an update that throws counts as handled, and the chat goes on', async () => {
    const dispatcher = createDispatcher(async (u) => {
      if (u.update_id === 1) throw new Error('boom');
    }, silent);
    expect(await dispatcher.dispatch(text(1, 10))).toBe('handled');
    expect(await dispatcher.dispatch(text(2, 10))).toBe('handled');
  });

  it('reports an update cut short by the shutdown as abandoned, for Telegram to deliver again', async () => {
    const dispatcher = createDispatcher(async () => {
      throw new OutboundAbortedError('sendMessage');
    }, silent);
    expect(await dispatcher.dispatch(text(1, 10))).toBe('abandoned');
  });

  it('stamps each update with its arrival time', async () => {
    const dispatcher = createDispatcher(
      async () => {},
      silent,
      () => 12345,
    );
    const update = text(1, 10);
    await dispatcher.dispatch(update);
    expect(arrivalTime(update)).toBe(12345);
    expect(arrivalTime(text(2, 10))).toBeUndefined();
  });
});
