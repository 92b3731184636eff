import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBot } from '../../src/bot/run.js';
import { createConfig } from '../../src/config.js';
import { createI18n } from '../../src/i18n.js';
import { tempDir } from '../e2e/harness.js';
import { capturedLogger } from '../support/logger.js';
import { describeWithRedis, RedisServer } from '../support/redis-server.js';
import { TOKEN, until } from './bot-runner.js';
import { FakeBotApi } from './fake-bot-api.js';

const i18n = createI18n();
// Keys of Object.prototype: a plain-object lookup of user text would find them.
const KEYS = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];

/** Sends "/lang <key>" for each key and checks the usual "unknown language" reply, once each. */
async function checkUserKeys(env: Record<string, string>) {
  const api = await FakeBotApi.start();
  const data = tempDir('forum-bot-keys-');
  const { logger, lines } = capturedLogger();
  const controller = new AbortController();
  const config = createConfig({
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: api.apiRoot,
    DATA_DIR: data.dir,
    ...env,
  });
  const done = runBot(config, { logger, signals: [], signal: controller.signal });
  try {
    await until(() => lines.some((l) => l.msg === 'bot started'), 15_000, 'the bot to start');
    const user = { id: 77, language_code: 'en' };
    for (const key of KEYS) api.text(user, `/lang ${key}`);
    await until(() => api.messagesTo(77).length >= KEYS.length, 10_000, 'the replies');
    // Nothing redelivered: every update is confirmed, and no more replies come.
    await until(() => api.pendingUpdateIds.length === 0, 5_000, 'the updates to be confirmed');
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(api.messagesTo(77).map((m) => m.text)).toEqual(
      KEYS.map((value) => i18n.t('language.unknown', { lng: 'en', value })),
    );
    expect(lines.filter((l) => Number(l.level) >= 40)).toEqual([]);
  } finally {
    controller.abort();
    await done;
    await api.stop();
    data.remove();
  }
}

describe('user-supplied keys (SQLite)', () => {
  it('/lang __proto__, /lang constructor... get the normal "unknown language" reply', async () => {
    await checkUserKeys({});
  });
});

describeWithRedis('user-supplied keys (Redis)', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('redis: /lang __proto__, /lang constructor... get the normal "unknown language" reply', async () => {
    await checkUserKeys({ STORE_URL: server.url });
  });
});
