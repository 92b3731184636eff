import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type BotProcess, spawnBot, tempDir } from '../e2e/harness.js';
import { until } from './bot-runner.js';
import { FakeBotApi } from './fake-bot-api.js';

const TOKEN = '515151:one-poller-SECRET';

describe('one polling bot per DATA_DIR', () => {
  let api: FakeBotApi;
  let data: ReturnType<typeof tempDir>;
  const bots: BotProcess[] = [];
  beforeAll(async () => {
    api = await FakeBotApi.start();
    data = tempDir('forum-bot-one-poller-');
  });
  afterEach(async () => {
    for (const bot of bots.splice(0)) await bot.stop();
  });
  afterAll(async () => {
    await api?.stop();
    data?.remove();
  });

  it('a second bot on the same DATA_DIR exits at once naming the first, which keeps answering', async () => {
    const env = { BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: api.apiRoot, DATA_DIR: data.dir };
    const first = spawnBot(env, data.dir);
    bots.push(first);
    await first.waitForLog('bot started');
    const user = { id: 31, language_code: 'en' };
    api.text(user, '/start');
    await until(() => api.messagesTo(31).length === 1, 10_000, 'the first reply');

    const second = spawnBot(env, data.dir);
    bots.push(second);
    const started = Date.now();
    expect(await second.exited).toBe(1);
    const lines = second.output.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      new RegExp(
        `^The bot could not run: DATA_DIR .+ is in use by another polling bot \\(pid ${first.child.pid} on host .+, since \\d{4}-`,
      ),
    );
    // It never polled, so it cut nothing short.
    expect(Date.now() - started).toBeLessThan(10_000);

    for (let i = 0; i < 5; i++) api.text(user, '/help');
    await until(() => api.messagesTo(31).length === 6, 10_000, 'five more replies from the first bot');
    expect(first.child.exitCode).toBeNull();
    // Each answered exactly once.
    expect(api.messagesTo(31)).toHaveLength(6);
  });
});
