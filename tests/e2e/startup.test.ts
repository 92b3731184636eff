import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, spawnBot, tempDir } from './harness.js';

describe('starting the bot process', () => {
  let data: ReturnType<typeof tempDir>;
  beforeAll(() => {
    data = tempDir('forum-bot-start-');
  });
  afterAll(() => data?.remove());

  it('exits 1 with one clear message on a malformed BOT_TOKEN, without printing it', async () => {
    const bot = spawnBot({ BOT_TOKEN: 'my-token-SECRETVALUE', DATA_DIR: data.dir }, data.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output.trim()).toMatch(/^Invalid configuration: BOT_TOKEN must look like/);
    expect(bot.output.trim().split('\n')).toHaveLength(1);
    expect(bot.output).not.toContain('SECRETVALUE');
  });

  it('exits 1 naming the variable that webhook mode is missing', async () => {
    const env = { BOT_TOKEN: '1:a', BOT_MODE: 'webhook', WEBHOOK_DOMAIN: 'x.invalid', DATA_DIR: data.dir };
    const bot = spawnBot(env, data.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output.trim()).toBe('Invalid configuration: WEBHOOK_SECRET is required when BOT_MODE=webhook');
  });

  it('exits 1 when the Bot API cannot be reached, without printing the token', async () => {
    const port = await freePort(); // nothing listens there
    const env = {
      BOT_TOKEN: '999:unreachable-SECRET',
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
      DATA_DIR: data.dir,
    };
    const bot = spawnBot(env, data.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output).toMatch(/The bot could not run: .+/);
    expect(bot.output).not.toContain('unreachable-SECRET');
  });
});
