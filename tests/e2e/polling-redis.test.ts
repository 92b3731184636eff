import { readdirSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n.js';
import { createRedisStore } from '../../src/store/redis.js';
import { describeWithRedis, RedisServer } from '../support/redis-server.js';
import { BotApiEmulator, type BotProcess, spawnBot, tempDir } from './harness.js';

const TOKEN = '626262:polling-redis-token';
const i18n = createI18n();

describeWithRedis('redis: the bot process polling, with its state in Redis', () => {
  let redis: RedisServer;
  let emulator: BotApiEmulator;
  let data: ReturnType<typeof tempDir>;
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    redis = await RedisServer.start();
    emulator = await BotApiEmulator.start();
    data = tempDir('forum-bot-polling-redis-');
  });

  afterAll(async () => {
    await bot?.stop();
    await emulator?.stop();
    await redis?.dispose();
    data?.remove();
  });

  it('redis: remembers a language choice in Redis, not under DATA_DIR', async () => {
    const env = {
      BOT_TOKEN: TOKEN,
      TELEGRAM_API_ROOT: emulator.apiRoot,
      DATA_DIR: data.dir,
      STORE_URL: redis.url,
    };
    bot = spawnBot(env, data.dir);
    expect((await bot.waitForLog('bot started')).store).toBe('redis');
    const user = emulator.user(TOKEN, { userId: 7301, languageCode: 'en' });
    await user.say('/lang zh');
    expect((await user.expectMessage()).text).toBe(i18n.t('language.changed', { lng: 'zh' }));
    await user.say('/help');
    expect((await user.expectMessage()).text).toBe(i18n.t('help.text', { lng: 'zh' }));
    expect(await bot.stop()).toBe(0);

    const store = await createRedisStore(redis.url);
    try {
      expect(await store.getLang(7301)).toBe('zh');
    } finally {
      await store.close();
    }
    // Nothing was written under DATA_DIR: the state lives in Redis.
    expect(readdirSync(data.dir)).toEqual([]);
  }, 60_000);
});
