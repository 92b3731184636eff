import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/bot/dispatcher.js';
import { HEALTH_PATH, handleWithNotices, SECRET_HEADER, webhookHandler } from '../../src/bot/run.js';
import { createUnavailableNotices } from '../../src/bot/unavailable.js';
import { createI18n } from '../../src/i18n.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { createMemoryStore, type Store } from '../../src/store/store.js';
import { buttonPress, createHarness, textMessage, tr } from './helpers.js';

const SECRET = 'test_secret-123';
const PATH = '/telegram/webhook';
const servers: Server[] = [];

afterEach(async () => {
  for (const server of servers.splice(0)) await new Promise<void>((resolve) => server.close(() => resolve()));
});

/** A memory store that can be switched off: while `down`, every call fails as an unreachable Redis does. */
function switchableStore() {
  const store = createMemoryStore();
  const state = { down: false };
  const wrapped = new Proxy(store, {
    get(target, key, receiver) {
      const value = Reflect.get(target, key, receiver);
      if (typeof value !== 'function' || key === 'close') return value;
      return (...args: unknown[]) =>
        state.down
          ? Promise.reject(new StoreUnavailableError('The store at redis://test cannot be reached'))
          : (value as (...a: unknown[]) => unknown).apply(target, args);
    },
  }) as Store;
  return { store: wrapped, state };
}

/** One bot instance behind its webhook server, with the shared store `store`. */
async function instance(store: Store, latencyMs = 0) {
  // Telegram's latency keeps an update "being handled" for a while, as it is in production.
  const h = createHarness({ store, feedback: store, latencyMs: () => latencyMs });
  const logger = pino({ level: 'silent' });
  const notices = createUnavailableNotices({
    telegram: h.bot.context.telegram as Telegram,
    i18n: createI18n(),
    defaultLang: 'en',
    logger,
  });
  const dispatcher = createDispatcher(handleWithNotices(h.bot, notices), logger);
  const server = createServer(webhookHandler(h.bot, PATH, SECRET, logger, dispatcher, { store, notices }));
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const post = async (update: Update) =>
    (
      await fetch(`${base}${PATH}`, {
        method: 'POST',
        headers: { [SECRET_HEADER]: SECRET, 'content-type': 'application/json' },
        body: JSON.stringify(update),
      })
    ).status;
  const health = async () => {
    const res = await fetch(`${base}${HEALTH_PATH}`);
    return { status: res.status, body: (await res.json()) as unknown };
  };
  return { h, post, health };
}

const RU_USER = { id: 31, language_code: 'ru' };
const asUpdate = (id: number, payload: Omit<Update, 'update_id'>) =>
  ({ update_id: id, ...payload }) as Update;

describe('webhook with a shared store', () => {
  it('answers an update once, whichever instance gets it and however often', async () => {
    const { store } = switchableStore();
    const a = await instance(store, 500);
    const b = await instance(store, 500);
    const update = asUpdate(500, textMessage('/help', { id: 5, language_code: 'en' }));
    const first = await Promise.all([a.post(update), b.post(update)]);
    // One instance answered (200); the other found it being handled and asked Telegram to retry (503).
    expect(first.sort()).toEqual([200, 503]);
    // Telegram's retry, to either instance: already answered, so 200 and nothing more.
    expect([await a.post(update), await b.post(update)]).toEqual([200, 200]);
    const replies = [...a.h.seen(), ...b.h.seen()].map((m) => m.text);
    expect(replies).toEqual([tr('en', 'help.text')]);
  });

  it('keeps a language chosen through one instance for the questions another one answers', async () => {
    const { store } = switchableStore();
    const a = await instance(store);
    const b = await instance(store);
    expect(await a.post(asUpdate(1, buttonPress('l:ru', { id: 40, language_code: 'en' })))).toBe(200);
    expect(a.h.toasts()).toEqual([tr('ru', 'language.changed')]);
    expect(await b.post(asUpdate(2, textMessage('/help', { id: 40, language_code: 'en' })))).toBe(200);
    expect(b.h.seen().map((m) => m.text)).toEqual([tr('ru', 'help.text')]);
  });

  it('reports the store in /healthz', async () => {
    const { store, state } = switchableStore();
    const a = await instance(store);
    expect(await a.health()).toEqual({ status: 200, body: { ok: true, store: 'up' } });
    state.down = true;
    expect(await a.health()).toEqual({ status: 503, body: { ok: false, store: 'down' } });
    state.down = false;
    expect(await a.health()).toEqual({ status: 200, body: { ok: true, store: 'up' } });
  });

  it('while the store is down: one localized notice per chat, 503 for every retry; answered once it is back', async () => {
    const { store, state } = switchableStore();
    const a = await instance(store);
    state.down = true;
    const question = asUpdate(10, textMessage('/help', RU_USER));
    const other = asUpdate(11, textMessage('/help', { id: 32, language_code: 'zh' }));
    expect(await a.post(question)).toBe(503);
    expect(await a.post(question)).toBe(503);
    expect(await a.post(other)).toBe(503);
    expect(a.h.seen().map((m) => [m.chatId, m.text])).toEqual([
      [RU_USER.id, tr('ru', 'errors.unavailable')],
      [32, tr('zh', 'errors.unavailable')],
    ]);

    state.down = false;
    expect(await a.post(question)).toBe(200);
    expect(await a.post(question)).toBe(200);
    expect(
      a.h
        .seen()
        .map((m) => m.text)
        .slice(2),
    ).toEqual([tr('ru', 'help.text')]);
  });

  it('does not acknowledge a language choice it could not store; the retry after the outage does', async () => {
    const { store, state } = switchableStore();
    const a = await instance(store);
    const choice = asUpdate(20, textMessage('/lang zh', RU_USER));
    state.down = true;
    expect(await a.post(choice)).toBe(503);
    expect(a.h.seen().map((m) => m.text)).toEqual([tr('ru', 'errors.unavailable')]);
    state.down = false;
    expect(await a.post(choice)).toBe(200);
    expect(
      a.h
        .seen()
        .map((m) => m.text)
        .slice(1),
    ).toEqual([tr('zh', 'language.changed')]);
    expect(await store.getLang(RU_USER.id)).toBe('zh');
  });

  it('leaves an update the store failed in the middle of for Telegram to retry, and answers the retry', async () => {
    const { store } = switchableStore();
    // Claims work; the preferences fail once, as when Redis goes away while the update is handled.
    let failures = 1;
    const flaky = new Proxy(store, {
      get(target, key, receiver) {
        if (key === 'setLang' && failures > 0) {
          return async () => {
            failures -= 1;
            throw new StoreUnavailableError('The store at redis://test cannot be reached');
          };
        }
        return Reflect.get(target, key, receiver);
      },
    });
    const a = await instance(flaky);
    const choice = asUpdate(30, buttonPress('l:en', RU_USER));
    expect(await a.post(choice)).toBe(503);
    expect(a.h.toasts()).toEqual([tr('ru', 'errors.unavailable')]);
    expect(await a.post(choice)).toBe(200);
    expect(a.h.toasts()).toEqual([tr('ru', 'errors.unavailable'), tr('en', 'language.changed')]);
    expect(await store.getLang(RU_USER.id)).toBe('en');
  });
});
