import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createI18n } from '../../src/i18n.js';
import { BotApiEmulator, type BotProcess, freePort, spawnBot, tempDir, webhookEnv } from './harness.js';

const TOKEN = '515151:webhook-SECRET-token';
const SECRET = 'hook_secret-42';
const PATH = '/telegram/webhook';
const i18n = createI18n();

describe('the bot process in webhook mode', () => {
  let emulator: BotApiEmulator;
  let data: ReturnType<typeof tempDir>;
  let bot: BotProcess | undefined;

  beforeAll(async () => {
    emulator = await BotApiEmulator.start();
    data = tempDir('forum-bot-hook-');
  });

  afterAll(async () => {
    await bot?.stop();
    await emulator?.stop();
    data?.remove();
  });

  it('registers the webhook, refuses requests without the secret and answers those with it', async () => {
    const port = await freePort();
    const env = { token: TOKEN, apiRoot: emulator.apiRoot, dataDir: data.dir, secret: SECRET, port };
    bot = spawnBot(webhookEnv(env), data.dir);
    await bot.waitForLog('bot started');
    const base = `http://127.0.0.1:${port}`;
    const user = emulator.user(TOKEN, { userId: 6001 });

    expect(emulator.callsOf('setWebhook')[0]?.body).toMatchObject({
      url: `https://forum-bot.invalid${PATH}`,
      secret_token: SECRET,
    });

    const health = await fetch(`${base}/healthz`);
    expect(health.status).toBe(200);

    let updateId = 1;
    const update = (text: string) =>
      JSON.stringify({
        update_id: updateId++,
        message: {
          message_id: updateId,
          date: Math.floor(Date.now() / 1000),
          from: { id: 6001, is_bot: false, first_name: 'Hook', language_code: 'ru' },
          chat: { id: 6001, type: 'private', first_name: 'Hook' },
          text,
          entities: [{ type: 'bot_command', offset: 0, length: text.split(' ')[0]?.length ?? 0 }],
        },
      });

    const refused = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: update('/help'),
    });
    expect(refused.status).toBe(401);
    const forged = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': 'guess' },
      body: update('/help'),
    });
    expect(forged.status).toBe(401);
    await user.expectSilence(300);

    const accepted = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': SECRET },
      body: update('/help'),
    });
    expect(accepted.status).toBe(200);
    expect((await user.expectMessage()).text).toBe(i18n.t('help.text', { lng: 'ru' }));

    expect(await bot.stop()).toBe(0);
    expect(bot.logs().map((l) => l.msg)).toContain('bot stopped');
    expect(bot.output).not.toContain('SECRET-token');
    expect(bot.output).not.toContain(SECRET);
  }, 60_000);
});
