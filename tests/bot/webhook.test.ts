import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { type Logger, pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher, type Dispatcher } from '../../src/bot/dispatcher.js';
import { createMetrics } from '../../src/bot/metrics.js';
import { createRefusalLog } from '../../src/bot/refusals.js';
import { HEALTH_PATH, MAX_WEBHOOK_BODY_BYTES, SECRET_HEADER, webhookHandler } from '../../src/bot/run.js';
import { capturedLogger } from '../support/logger.js';
import { createHarness, textMessage, tr } from './helpers.js';

const SECRET = 'test_secret-123';
const PATH = '/telegram/webhook';
let server: Server | undefined;

async function serve(
  h: ReturnType<typeof createHarness>,
  dispatcher?: Dispatcher,
  options: Parameters<typeof webhookHandler>[5] = {},
  logger: Logger = pino({ level: 'silent' }),
) {
  server = createServer(webhookHandler(h.bot, PATH, SECRET, logger, dispatcher, options));
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

/** What a raw connection received, once the server closed it (or `timeoutMs` passed). */
interface RawExchange {
  response: string;
  /** Whether the server closed the connection within the time. */
  closed: boolean;
}

/**
 * Sends `head` and then `body` (in pieces, as long as the server reads) on a connection of its own,
 * and reads what comes back until the server closes it.
 */
function rawExchange(base: string, head: string, body: Buffer, timeoutMs = 3000): Promise<RawExchange> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    let response = '';
    const timer = setTimeout(() => {
      socket.destroy();
      resolve({ response, closed: false });
    }, timeoutMs);
    socket.on('data', (chunk) => {
      response += chunk.toString('latin1');
    });
    // The server may close while the rest of the body is on its way: a reset is a close as well.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve({ response, closed: true });
    });
    socket.write(head);
    socket.write(body);
  });
}

const postHead = (headers: Record<string, string | number>) =>
  `POST ${PATH} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;

const post = (base: string, body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}${PATH}`, {
    method: 'POST',
    headers: { [SECRET_HEADER]: SECRET, 'content-type': 'application/json', ...headers },
    body,
  });

describe('webhook server: bad requests', () => {
  it('refuses a body declared over the limit at once, closes that connection and serves the next', async () => {
    const h = createHarness();
    const base = await serve(h);
    const head = postHead({ [SECRET_HEADER]: SECRET, 'Content-Length': MAX_WEBHOOK_BODY_BYTES + 1 });
    // Only the start of the body is sent: the answer must not wait for the rest.
    const { response, closed } = await rawExchange(base, head, Buffer.alloc(64 * 1024, 'a'));
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect(response.toLowerCase()).toContain('connection: close');
    expect(closed).toBe(true);
    expect((await post(base, update('/help'))).status).toBe(200);
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'help.text')]);
  });

  it('refuses a chunked body that grows over the limit and closes that connection', async () => {
    const h = createHarness();
    const base = await serve(h);
    const head = postHead({ [SECRET_HEADER]: SECRET, 'Transfer-Encoding': 'chunked' });
    const size = MAX_WEBHOOK_BODY_BYTES + 1024;
    const chunk = Buffer.concat([
      Buffer.from(`${size.toString(16)}\r\n`),
      Buffer.alloc(size, ' '),
      Buffer.from('\r\n'),
    ]);
    const { response, closed } = await rawExchange(base, head, chunk);
    expect(closed).toBe(true);
    expect(response).toMatch(/^HTTP\/1\.1 413 /);
    expect((await post(base, update('/help'))).status).toBe(200);
    expect(h.calls.filter((c) => c.method === 'sendMessage')).toHaveLength(1);
  });

  it('closes the connection of a request refused for its secret, instead of reading its body', async () => {
    const h = createHarness();
    const base = await serve(h);
    const head = postHead({ [SECRET_HEADER]: 'guess', 'Content-Length': 100_000 });
    const { response, closed } = await rawExchange(base, head, Buffer.alloc(10, 'a'));
    expect(response).toMatch(/^HTTP\/1\.1 401 /);
    expect(closed).toBe(true);
  });

  it.each([
    ['1e300', '1e300'],
    ['above 2^53', '9007199254740993'],
    ['negative', '-1'],
    ['fractional', '1.5'],
    ['a string', '"1"'],
  ])('answers 400 to an update_id that is %s, and nothing else', async (_, id) => {
    const h = createHarness();
    const base = await serve(h);
    const body = JSON.stringify({ update_id: 0, ...textMessage('/help', { id: 5 }) }).replace(
      '"update_id":0',
      `"update_id":${id}`,
    );
    expect((await post(base, body)).status).toBe(400);
    expect(h.calls).toEqual([]);
  });

  it('serves the webhook path as sent, and survives a request target that is no URL', async () => {
    const h = createHarness();
    const base = await serve(h);
    const head = `GET //[ HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`;
    const { response } = await rawExchange(base, head, Buffer.alloc(0));
    expect(response).toMatch(/^HTTP\/1\.1 404 /);
    expect((await fetch(`${base}${HEALTH_PATH}`)).status).toBe(200);
  });

  it('logs 1000 refused requests in at most two lines, and counts them all', async () => {
    const h = createHarness();
    const { logger, lines } = capturedLogger();
    const metrics = createMetrics();
    const refusals = createRefusalLog(logger, 60_000);
    const base = await serve(h, undefined, { metrics, refusals }, logger);
    for (let batch = 0; batch < 20; batch += 1) {
      await Promise.all(
        Array.from({ length: 50 }, () => post(base, update('/help'), { [SECRET_HEADER]: 'guess' })),
      );
    }
    expect(lines.length).toBeLessThanOrEqual(2);
    refusals.flush();
    const counted = lines.reduce((sum, l) => sum + (typeof l.count === 'number' ? l.count : 1), 0);
    expect(counted).toBe(1000);
    const scrape = await (await fetch(`${base}/metrics`)).text();
    expect(scrape).toContain('forum_bot_webhook_refused_total{reason="unauthorized"} 1000');
    expect(h.calls).toEqual([]);
  });
});
