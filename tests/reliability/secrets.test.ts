import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { BotProcess, freePort, REPO_ROOT, spawnBot, tempDir } from '../e2e/harness.js';
import { distinctQuestions, TOKEN, until } from './bot-runner.js';
import { FakeBotApi } from './fake-bot-api.js';
import { recordFigures } from './figures.js';

const TOKEN_SECRET_PART = TOKEN.split(':')[1] ?? '';
const WEBHOOK_SECRET = 'hook_SECRET-never-printed_42';
const PATH = '/telegram/webhook';

let api: FakeBotApi;
let data: ReturnType<typeof tempDir>;
const processes: BotProcess[] = [];

beforeEach(async () => {
  api = await FakeBotApi.start();
  data = tempDir('forum-bot-secrets-');
});
afterEach(async () => {
  for (const bot of processes.splice(0)) await bot.stop();
  await api.stop();
  data.remove();
});

/** Fails if the output shows the token (or its secret half) or the webhook secret anywhere. */
function expectNoSecrets(output: string) {
  expect(output).not.toContain(TOKEN);
  expect(output).not.toContain(TOKEN_SECRET_PART);
  expect(output).not.toContain(WEBHOOK_SECRET);
}

const webhookEnv = async () => ({
  BOT_TOKEN: TOKEN,
  TELEGRAM_API_ROOT: api.apiRoot,
  DATA_DIR: data.dir,
  BOT_MODE: 'webhook',
  WEBHOOK_DOMAIN: 'forum-bot.invalid',
  WEBHOOK_SECRET,
  PORT: String(await freePort()),
  HOST: '127.0.0.1',
  LOG_LEVEL: 'trace',
});

describe('secrets never reach the output', () => {
  it('polling, at trace level, through API errors that echo the token and a fatal 401', async () => {
    const user = { id: 7001, language_code: 'en' };
    // A hostile or verbose API: its error descriptions repeat the token.
    api.fault = ({ method, nth }) => {
      if (method === 'sendVenue' || (method === 'sendMessage' && nth === 1)) {
        return { status: 400, description: `Bad Request: no such chat for bot${TOKEN}` };
      }
      if (method === 'getUpdates' && nth >= 4) {
        return { status: 401, description: `Unauthorized: token ${TOKEN} was revoked` };
      }
      return undefined;
    };
    const bot = spawnBot(
      { BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: data.dir, LOG_LEVEL: 'trace' },
      data.dir,
    );
    processes.push(bot);
    await bot.waitForLog('bot started');
    api.text(user, distinctQuestions(1)[0]?.question ?? '');
    expect(await bot.exited).toBe(1);
    expect(bot.output).toMatch(/The bot could not run: BOT_TOKEN was rejected by Telegram \(401\)/);
    expect(bot.output).toContain('[REDACTED]');
    expectNoSecrets(bot.output);
  }, 30_000);

  it('webhook mode: wrong or missing secrets get 401, and a failed setWebhook that echoes the secret', async () => {
    const env = await webhookEnv();
    const bot = spawnBot(env, data.dir);
    processes.push(bot);
    await bot.waitForLog('bot started');
    const url = `http://127.0.0.1:${env.PORT}${PATH}`;
    const update = JSON.stringify({
      update_id: 1,
      message: {
        message_id: 1,
        date: 0,
        chat: { id: 7002, type: 'private' },
        from: { id: 7002, is_bot: false, first_name: 'U' },
        text: 'hi',
      },
    });
    const post = (secret?: string) =>
      fetch(url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          ...(secret === undefined ? {} : { 'x-telegram-bot-api-secret-token': secret }),
        },
        body: update,
      });
    const sameLength = WEBHOOK_SECRET.replace(/.$/, '_');
    const statuses = [
      (await post()).status,
      (await post('')).status,
      (await post('guess')).status,
      (await post(sameLength)).status,
      (await post(WEBHOOK_SECRET.slice(0, -1))).status,
      (await post(`${WEBHOOK_SECRET}x`)).status,
    ];
    expect(statuses).toEqual([401, 401, 401, 401, 401, 401]);
    expect((await post(WEBHOOK_SECRET)).status).toBe(200);
    await until(() => api.sent.some((m) => m.chatId === 7002), 5000, 'the answer');
    expect(await bot.stop()).toBe(0);
    expectNoSecrets(bot.output);

    // Start-up crash: Telegram refuses the webhook and quotes the secret back.
    api.fault = ({ method }) =>
      method === 'setWebhook'
        ? { status: 400, description: `Bad Request: bad webhook: secret ${WEBHOOK_SECRET} for ${TOKEN}` }
        : undefined;
    const failing = spawnBot(await webhookEnv(), data.dir);
    processes.push(failing);
    expect(await failing.exited).toBe(1);
    expect(failing.output).toContain(
      'The bot could not run: 400: Bad Request: bad webhook: secret [REDACTED] for [REDACTED]',
    );
    expectNoSecrets(failing.output);
    recordFigures('secrets', { webhookRequestsRefused: statuses.length });
  }, 30_000);

  it('an uncaught exception (a bug) is reported redacted, and the process exits 1', async () => {
    const env = await webhookEnv();
    const child = spawn(
      process.execPath,
      [
        '--import',
        join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs'),
        '--import',
        join(REPO_ROOT, 'tests', 'reliability', 'crash-on-sigusr2.mjs'),
        join(REPO_ROOT, 'src', 'main.ts'),
      ],
      { cwd: data.dir, env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const bot = new BotProcess(child);
    processes.push(bot);
    await bot.waitForLog('bot started');
    child.kill('SIGUSR2');
    expect(await bot.exited).toBe(1);
    expect(bot.output).toMatch(
      /The bot crashed: Error: simulated bug while calling \/bot\[REDACTED\]\/getMe/,
    );
    expectNoSecrets(bot.output);
  }, 30_000);
});

describe('what must never be committed', () => {
  it('.env and the default DATA_DIR are git-ignored', () => {
    const ignored = readFileSync(join(REPO_ROOT, '.gitignore'), 'utf8')
      .split('\n')
      .map((line) => line.trim());
    expect(ignored).toContain('.env');
    expect(ignored).toContain('data/');
    // .env.example is the template that is committed, with every value empty or a default.
    const example = readFileSync(join(REPO_ROOT, '.env.example'), 'utf8');
    expect(example).toMatch(/^BOT_TOKEN=$/m);
    expect(example).toMatch(/^WEBHOOK_SECRET=$/m);
    expect(example).toMatch(/^DATA_DIR=\.\/data$/m);
  });
});
