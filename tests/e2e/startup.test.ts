import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeBotApi } from '../reliability/fake-bot-api.js';
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

  it('exits 1 with one line when .env is a folder', async () => {
    const cwd = tempDir('forum-bot-dotenv-');
    try {
      mkdirSync(join(cwd.dir, '.env'));
      const bot = spawnBot({ BOT_TOKEN: '1:a', DATA_DIR: data.dir }, cwd.dir);
      expect(await bot.exited).toBe(1);
      expect(bot.output.trim()).toBe(
        'Invalid configuration: .env is not a file (a folder?); it must hold VARIABLE=value lines',
      );
    } finally {
      cwd.remove();
    }
  });

  it('exits 1 saying BOT_TOKEN was rejected when Telegram answers 401', async () => {
    const api = await FakeBotApi.start();
    api.fault = () => ({ status: 401, description: 'Unauthorized' });
    try {
      const env = { BOT_TOKEN: '999:revoked-SECRET', TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: data.dir };
      const bot = spawnBot(env, data.dir);
      expect(await bot.exited).toBe(1);
      expect(bot.output.trim()).toMatch(/^The bot could not run: BOT_TOKEN was rejected by Telegram \(401\)/);
      expect(bot.output.trim().split('\n')).toHaveLength(1);
    } finally {
      await api.stop();
    }
  });

  it('never prints the credentials of TELEGRAM_API_ROOT, in warnings or in the start-up error', async () => {
    const port = await freePort(); // nothing listens there: the network errors quote the URL
    const env = {
      BOT_TOKEN: '999:abc',
      TELEGRAM_API_ROOT: `http://proxyuser:hunter2pass@127.0.0.1:${port}`,
      DATA_DIR: data.dir,
      LOG_LEVEL: 'trace',
    };
    const bot = spawnBot(env, data.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output).toMatch(/The bot could not run: .+127\.0\.0\.1/);
    expect(bot.logs().some((line) => line.level === 40)).toBe(true);
    expect(bot.output).not.toContain('hunter2pass');
  });

  it('refuses a bad HOST in polling mode too, naming it', async () => {
    const bot = spawnBot({ BOT_TOKEN: '1:a', HOST: 'not a host!', DATA_DIR: data.dir }, data.dir);
    expect(await bot.exited).toBe(1);
    expect(bot.output.trim()).toMatch(/^Invalid configuration: HOST must be an IP address or host name/);
  });
});
