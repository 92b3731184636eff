import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../../src/bot/dispatcher.js';
import { HEALTH_PATH, SECRET_HEADER, webhookHandler } from '../../src/bot/run.js';
import { createHarness, textMessage, tr } from './helpers.js';

const SECRET = 'test_secret-123';
const PATH = '/telegram/webhook';
let server: Server | undefined;

async function serve(h: ReturnType<typeof createHarness>, dispatcher?: Dispatcher) {
  const logger = pino({ level: 'silent' });
  server = createServer(webhookHandler(h.bot, PATH, SECRET, logger, dispatcher));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

const update = (text: string) =>
  JSON.stringify({ update_id: 1, ...textMessage(text, { id: 5, language_code: 'en' }) });

describe('webhook server', () => {
  it('refuses updates without the secret header, or with a wrong one', async () => {
    const h = createHarness();
    const base = await serve(h);
    const missing = await fetch(`${base}${PATH}`, { method: 'POST', body: update('/help') });
    const wrong = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { [SECRET_HEADER]: 'nope' },
      body: update('/help'),
    });
    expect([missing.status, wrong.status]).toEqual([401, 401]);
    expect(h.calls).toEqual([]);
  });

  it('answers an update carrying the secret', async () => {
    const h = createHarness();
    const base = await serve(h);
    const res = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { [SECRET_HEADER]: SECRET, 'content-type': 'application/json' },
      body: update('/help'),
    });
    expect(res.status).toBe(200);
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'help.text')]);
  });

  it('serves GET /healthz, and nothing else', async () => {
    const h = createHarness();
    const base = await serve(h);
    const health = await fetch(`${base}${HEALTH_PATH}`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ ok: true });
    expect((await fetch(`${base}/other`)).status).toBe(404);
    expect((await fetch(`${base}${PATH}`)).status).toBe(405);
  });

  it('refuses a body that is not an update', async () => {
    const h = createHarness();
    const base = await serve(h);
    const res = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { [SECRET_HEADER]: SECRET, 'content-type': 'application/json' },
      body: '{"no":"update_id"}',
    });
    expect(res.status).toBe(400);
    expect(h.calls).toEqual([]);
  });

  it('answers 503 once the bot is stopping, so Telegram delivers the update again later', async () => {
    const h = createHarness();
    const dispatcher = createDispatcher((u) => h.bot.handleUpdate(u), pino({ level: 'silent' }));
    const base = await serve(h, dispatcher);
    await dispatcher.drain(0);
    const res = await fetch(`${base}${PATH}`, {
      method: 'POST',
      headers: { [SECRET_HEADER]: SECRET, 'content-type': 'application/json' },
      body: update('/help'),
    });
    expect(res.status).toBe(503);
    expect(h.calls).toEqual([]);
  });
});
