import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Telegraf } from 'telegraf';
import type { Config } from '../config.js';
import { createEngine } from '../engine/engine.js';
import { createI18n } from '../i18n.js';
import { loadKnowledge } from '../knowledge/load.js';
import { createLogger, type Logger } from '../logger.js';
import { createSqliteStore } from '../store/sqlite.js';
import { registerCommands } from './commands.js';
import type { BotContext } from './context.js';
import { createBot } from './create-bot.js';

/** Header in which Telegram repeats the secret_token given to setWebhook. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Path of the webhook server's health check. */
export const HEALTH_PATH = '/healthz';

/** Options of runBot. */
export interface RunOptions {
  /** Defaults to a pino logger at config.logLevel with the token and webhook secret redacted. */
  logger?: Logger;
  /** Signals that stop the bot cleanly (default SIGINT and SIGTERM). */
  signals?: readonly NodeJS.Signals[];
}

/**
 * Runs the Telegram bot until SIGINT/SIGTERM: loads the knowledge base, opens the store (preferences and
 * curator feedback), registers the localized command menu, then polls or serves the webhook. Resolves
 * once stopped with the database closed; rejects if the bot cannot start (bad token, Bot API
 * unreachable, port taken).
 */
export async function runBot(config: Config, options: RunOptions = {}): Promise<void> {
  const secrets = [config.token, ...(config.mode.kind === 'webhook' ? [config.mode.secret] : [])];
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets });
  const knowledge = loadKnowledge();
  const engine = createEngine(knowledge);
  const i18n = createI18n();
  // One database connection for the preferences and the curators' feedback.
  const store = createSqliteStore(config.dataDir);
  const stopSignal = waitForSignal(options.signals ?? ['SIGINT', 'SIGTERM']);
  try {
    const bot = createBot({
      token: config.token,
      apiRoot: config.apiRoot,
      engine,
      knowledge,
      store,
      feedback: store,
      i18n,
      logger,
      defaultLang: config.defaultLang,
    });
    bot.botInfo = await bot.telegram.getMe();
    await registerCommands(bot.telegram, i18n, config.defaultLang, logger);
    const base = {
      username: bot.botInfo.username,
      entries: knowledge.entries.length,
      dataDir: config.dataDir,
    };

    if (config.mode.kind === 'polling') {
      const polling = bot.launch();
      logger.info({ ...base, mode: 'polling' }, 'bot started');
      // Polling ends on its own only when it fails (e.g. the token was revoked).
      const signal = await Promise.race([stopSignal.promise, polling.then(() => null)]);
      if (signal) {
        logger.info({ signal }, 'stopping');
        bot.stop(signal);
        await polling;
      }
    } else {
      const { domain, path, port, host, secret } = config.mode;
      const server = createServer(webhookHandler(bot, path, secret, logger));
      await listen(server, port, host);
      await bot.telegram.setWebhook(`https://${domain}${path}`, { secret_token: secret });
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      logger.info({ ...base, mode: 'webhook', domain, path, host, port: boundPort }, 'bot started');
      const signal = await stopSignal.promise;
      logger.info({ signal }, 'stopping');
      await close(server);
    }
    logger.info('bot stopped');
  } finally {
    stopSignal.dispose();
    store.close();
  }
}

/** The webhook server: GET /healthz, and POST <path> carrying the secret header; 401 without it. */
export function webhookHandler(bot: Telegraf<BotContext>, path: string, secret: string, logger: Logger) {
  const callback = bot.webhookCallback(path, { secretToken: secret });
  const expected = Buffer.from(secret);
  const authorized = (header: string | string[] | undefined) => {
    const given = Buffer.from(typeof header === 'string' ? header : '');
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
  return (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === HEALTH_PATH && (req.method === 'GET' || req.method === 'HEAD')) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true }));
      return;
    }
    if (pathname !== path) {
      res.writeHead(404).end();
      return;
    }
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    if (!authorized(req.headers[SECRET_HEADER])) {
      logger.warn({ remote: req.socket.remoteAddress }, 'webhook request without the right secret refused');
      res.writeHead(401).end();
      return;
    }
    callback(req, res).catch((err: unknown) => {
      logger.error({ err }, 'webhook request failed');
      if (!res.headersSent) res.writeHead(500);
      res.end();
    });
  };
}

function waitForSignal(signals: readonly NodeJS.Signals[]) {
  let onSignal: (signal: NodeJS.Signals) => void = () => {};
  const promise = new Promise<NodeJS.Signals>((resolve) => {
    onSignal = resolve;
  });
  for (const signal of signals) process.once(signal, onSignal);
  // After dispose, a second Ctrl+C falls back to Node's default and ends the process at once.
  const dispose = () => {
    for (const signal of signals) process.off(signal, onSignal);
  };
  return { promise, dispose };
}

function listen(server: Server, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function close(server: Server): Promise<void> {
  return new Promise((resolve) => {
    server.close(() => resolve());
    // Keep-alive connections would hold close() open until they time out.
    server.closeIdleConnections();
  });
}
