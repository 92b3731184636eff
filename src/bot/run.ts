import { createHash, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Telegraf } from 'telegraf';
import type { Opts, Update } from 'telegraf/types';
import { type Config, configSecrets } from '../config.js';
import { createEngine } from '../engine/engine.js';
import { createI18n } from '../i18n.js';
import { createLiveEngine, type LiveEngine } from '../knowledge/live.js';
import { loadKnowledge } from '../knowledge/load.js';
import { withAlternates } from '../knowledge/pending.js';
import { createLogger, type Logger } from '../logger.js';
import { StoreUnavailableError } from '../store/errors.js';
import { signalSecret } from '../store/signals.js';
import { openStore, type Store } from '../store/store.js';
import { registerCommands } from './commands.js';
import type { BotContext } from './context.js';
import { createBot } from './create-bot.js';
import { createDelivery, type DeliveryOptions } from './delivery.js';
import { createDispatcher, type Dispatcher } from './dispatcher.js';
import { createKnowledgeSync } from './knowledge-sync.js';
import {
  apiOutcome,
  type BotMetrics,
  createMetrics,
  METRICS_PATH,
  metricsHandler,
  probeStore,
  type RefusalReason,
  serveMetrics as serveMetricsText,
} from './metrics.js';
import type { FloodOptions } from './middleware/flood.js';
import { createOutbound, type OutboundOptions, type QueuedTelegram } from './outbound.js';
import { ALLOWED_UPDATES, createPoller, type PollingOptions } from './polling.js';
import { createRefusalLog, type RefusalLog } from './refusals.js';
import { createUnavailableNotices, type UnavailableNotices } from './unavailable.js';

/** Header in which Telegram repeats the secret_token given to setWebhook. */
export const SECRET_HEADER = 'x-telegram-bot-api-secret-token';
/** Path of the webhook server's health check. */
export const HEALTH_PATH = '/healthz';
/**
 * How long updates already being handled get to finish after SIGTERM. With SETTLE_MS and the final
 * confirmation to Telegram (CONFIRM_TIMEOUT_MS) the bot is gone within 5 seconds, as process managers
 * expect.
 */
export const SHUTDOWN_GRACE_MS = 3000;
/** After the grace period, how long calls already sent get to come back before Telegram is told. */
export const SETTLE_MS = 500;
/** The longest a stop may take before the database is closed (the process then exits at once). */
export const STOP_BUDGET_MS = 4500;
/** Budget of the last getUpdates call, which tells Telegram which updates are done. */
export const CONFIRM_TIMEOUT_MS = 1000;
/** Largest webhook request body read (Telegram's updates are a few kilobytes). */
export const MAX_WEBHOOK_BODY_BYTES = 1 << 20;
/** How long /healthz waits for the store to answer before reporting it down. */
export const HEALTH_TIMEOUT_MS = 1000;

/**
 * An engine over the knowledge folder with the alternates accepted in /review (pending in the store) added. A store
 * that cannot be reached (Redis not up yet) gives none: the bot starts anyway, and they come with the next
 * acceptance.
 */
export async function buildWithPending(
  store: Pick<Store, 'pendingAlternates'>,
  knowledgeDir?: string,
  logger?: Logger,
) {
  let pending: Awaited<ReturnType<Store['pendingAlternates']>> = [];
  try {
    pending = await store.pendingAlternates();
  } catch (err) {
    if (!(err instanceof StoreUnavailableError)) throw err;
    logger?.warn({ err }, 'pending alternates not read: the store is unreachable');
  }
  return createEngine(withAlternates(loadKnowledge(knowledgeDir), pending));
}

/** Options of runBot. */
export interface RunOptions {
  /** Defaults to a pino logger at config.logLevel with the token and webhook secret redacted. */
  logger?: Logger;
  /** Signals that stop the bot cleanly (default SIGINT and SIGTERM). */
  signals?: readonly NodeJS.Signals[];
  /** Signals that reload the knowledge base (default SIGHUP; none when embedded: pass []). */
  reloadSignals?: readonly NodeJS.Signals[];
  /** Stops the bot like a signal does when aborted (for embedding the bot, and tests). */
  signal?: AbortSignal;
  /** Default SHUTDOWN_GRACE_MS. */
  shutdownGraceMs?: number;
  /** Outbound limits and retries (default DEFAULT_OUTBOUND_OPTIONS, Telegram's limits). */
  outbound?: Partial<OutboundOptions>;
  /** Long-polling settings (default DEFAULT_POLLING_OPTIONS). */
  polling?: Partial<PollingOptions>;
  /** Per-user flood control (default DEFAULT_FLOOD_OPTIONS). */
  flood?: Partial<FloodOptions>;
  /** Where the counters go (default: new metrics in a registry of their own). */
  metrics?: BotMetrics;
  /** How often refused webhook requests are logged at most (default DEFAULT_REFUSAL_LOG_INTERVAL_MS). */
  refusalLogIntervalMs?: number;
  /** Longest an update may take before it counts as failed (default HANDLER_TIMEOUT_MS). */
  handlerTimeoutMs?: number;
  /** How owed replies are sent and retried (default DEFAULT_DELIVERY_OPTIONS). */
  delivery?: Partial<DeliveryOptions>;
}

/**
 * Runs the Telegram bot until SIGINT/SIGTERM: loads the knowledge base (SIGHUP or /reload loads it again,
 * and with a shared store tells the other instances to), opens the store (preferences,
 * curator feedback, update journal), registers the localized command menu, then polls or serves the
 * webhook. On a signal it stops taking updates, gives the running ones SHUTDOWN_GRACE_MS to finish,
 * confirms to Telegram only what was handled, and resolves with the database closed. Rejects if the bot
 * cannot start (bad token, Bot API unreachable, port taken, damaged database) or polling cannot go on.
 */
export async function runBot(config: Config, options: RunOptions = {}): Promise<void> {
  const logger = options.logger ?? createLogger({ level: config.logLevel, secrets: configSecrets(config) });
  const graceMs = options.shutdownGraceMs ?? SHUTDOWN_GRACE_MS;
  const startedAt = Date.now();
  // One database connection (or one Redis client) for the preferences, the curators' feedback, the traffic
  // signals, the update journal and the webhook claims.
  const store = await openStore(config, logger);
  // knowledge/ plus the alternates accepted in /review and not yet exported: rebuilt on every acceptance.
  let live: LiveEngine;
  try {
    live = await createLiveEngine({
      build: () => buildWithPending(store, config.knowledgeDir, logger),
      logger,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const i18n = createI18n(() => live.current().forum);
  const stopSignal = waitForSignal(options.signals ?? ['SIGINT', 'SIGTERM'], options.signal);
  const metrics = options.metrics ?? createMetrics();
  let metricsServer: Server | undefined;
  const reloadSignals = options.reloadSignals ?? ['SIGHUP'];
  let onReloadSignal: ((signal: NodeJS.Signals) => void) | undefined;
  let stopSync = () => {};
  try {
    const outbound = createOutbound(
      logger,
      { timeoutMs: config.botApiTimeoutMs, ...options.outbound },
      metrics,
    );
    const sync = createKnowledgeSync({
      live,
      store,
      intervalMs: config.kbReloadCheckSeconds * 1000,
      logger,
    });
    await sync.start();
    stopSync = () => sync.stop();
    // Reloading takes the next updates onto the new engine; those already running finish on the old one.
    onReloadSignal = (signal) => void sync.reload(signal);
    for (const signal of reloadSignals) process.on(signal, onReloadSignal);
    const bot = createBot({
      token: config.token,
      apiRoot: config.apiRoot,
      live,
      knowledgeDir: config.knowledgeDir,
      reload: (reason) => sync.reload(reason),
      store,
      feedback: store,
      signals: {
        store,
        secret: signalSecret(config.token, config.signalSecret),
        retentionDays: config.signalRetentionDays,
        logger,
      },
      i18n,
      logger,
      defaultLang: config.defaultLang,
      adminIds: config.adminIds,
      outbound,
      flood: options.flood,
      startedAt,
      metrics,
      handlerTimeoutMs: options.handlerTimeoutMs,
    });
    const telegram = bot.telegram as QueuedTelegram;
    const delivery = createDelivery({
      store,
      call: (method, payload) => telegram.direct(method as never, payload as never),
      logger,
      // One polling bot per store (the poller lock): no other instance can be sending.
      options: { exclusive: config.mode.kind === 'polling', ...options.delivery },
    });
    bot.botInfo = await bot.telegram.getMe();
    await registerCommands(bot.telegram, i18n, config.defaultLang, logger);
    const notices = createUnavailableNotices({
      telegram: bot.telegram,
      i18n,
      defaultLang: config.defaultLang,
      logger,
    });
    const dispatcher = createDispatcher(handleWithNotices(bot, notices), logger, Date.now, metrics);
    metrics.watch({ outbound, dispatcher, store, outbox: store });
    // Replies earlier runs still owe go out first, in their chats' order.
    await delivery.start();
    telegram.delivery = delivery;
    if (config.metrics) {
      metricsServer = createServer(metricsHandler(metrics));
      await listen(metricsServer, config.metrics.port, config.metrics.host);
    }
    const base = {
      username: bot.botInfo.username,
      // The process to send SIGHUP to (under `npm start`, npm's own pid is not it).
      pid: process.pid,
      entries: live.current().knowledge.entries,
      knowledgeVersion: live.current().knowledge.version,
      store: config.storeUrl ? 'redis' : 'sqlite',
      ...(config.storeUrl ? {} : { dataDir: config.dataDir }),
      ...(metricsServer ? { metrics: `http://${boundAddress(metricsServer)}${METRICS_PATH}` } : {}),
    };

    /**
     * Lets running updates finish; those still running when the grace period ends are cut short (their
     * queued and retried calls given up, calls already on the wire given SETTLE_MS to come back), then
     * tells Telegram what was done.
     */
    const drain = async (confirm: () => Promise<void>) => {
      const stopping = Date.now();
      const { unfinished } = await dispatcher.drain(graceMs);
      if (unfinished > 0) {
        logger.warn(
          { unfinished },
          'updates still running after the grace period; Telegram will resend them',
        );
        outbound.abort();
        await dispatcher.drain(SETTLE_MS);
      }
      await confirm();
      // Replies still owed stay in the store for the next run; those waiting for their turn are let go.
      outbound.abort();
      // A call still on the wire may yet succeed: while the budget lasts, the store stays open so that the
      // journal can note its update as handled (and the outbox the reply as sent), and the next run does
      // not answer it twice.
      const left = () => STOP_BUDGET_MS - (Date.now() - stopping);
      if (dispatcher.inFlight > 0 && left() > 0) await dispatcher.drain(left());
      await delivery.stop(left());
    };

    if (config.mode.kind === 'polling') {
      const poller = createPoller({
        // Telegraf types its signal with the abort-controller polyfill; Node's own works the same at runtime.
        getUpdates: (params, signal) =>
          countedGetUpdates(
            bot.telegram.callApi('getUpdates', params as Opts<'getUpdates'>, { signal: signal as never }),
            signal,
            metrics,
          ),
        dispatcher,
        journal: store,
        logger,
        options: options.polling,
      });
      await bot.telegram.deleteWebhook();
      const polling = poller.run();
      logger.info({ ...base, mode: 'polling' }, 'bot started');
      // Polling ends on its own only when it fails (e.g. the token was revoked).
      const signal = await Promise.race([stopSignal.promise, polling.then(() => null)]).catch(
        async (error: unknown) => {
          await drain(() => poller.confirm(CONFIRM_TIMEOUT_MS));
          throw error;
        },
      );
      if (signal) {
        const stopping = Date.now();
        logger.info({ signal }, 'stopping');
        poller.stop();
        await polling;
        await drain(() => poller.confirm(CONFIRM_TIMEOUT_MS));
        logger.info(
          {
            ...poller.summary,
            ms: Date.now() - stopping,
            outbound: outbound.stats,
            delivery: delivery.stats,
          },
          'bot stopped',
        );
      }
    } else {
      const { domain, path, port, host, secret } = config.mode;
      const refusals = createRefusalLog(logger, options.refusalLogIntervalMs);
      const server = createServer(
        webhookHandler(bot, path, secret, logger, dispatcher, {
          store,
          notices,
          metrics,
          serveMetrics: !metricsServer,
          refusals,
        }),
      );
      await listen(server, port, host);
      await bot.telegram.setWebhook(`https://${domain}${path}`, {
        secret_token: secret,
        allowed_updates: [...ALLOWED_UPDATES],
      });
      const address = server.address();
      const boundPort = typeof address === 'object' && address ? address.port : port;
      logger.info({ ...base, mode: 'webhook', domain, path, host, port: boundPort }, 'bot started');
      const signal = await stopSignal.promise;
      const stopping = Date.now();
      logger.info({ signal }, 'stopping');
      // No new connections; requests on open ones are answered 503 (Telegram retries them later).
      const closed = close(server);
      await drain(async () => {});
      server.closeAllConnections();
      await closed;
      refusals.flush();
      logger.info(
        { ms: Date.now() - stopping, outbound: outbound.stats, delivery: delivery.stats },
        'bot stopped',
      );
    }
  } finally {
    stopSignal.dispose();
    stopSync();
    if (onReloadSignal) for (const signal of reloadSignals) process.off(signal, onReloadSignal);
    if (metricsServer) {
      const closed = close(metricsServer);
      metricsServer.closeAllConnections();
      await closed;
    }
    await store.close();
  }
}

/**
 * getUpdates, counted in the Bot API metrics; a call the poller abandoned because it is stopping is not
 * counted, one it abandoned because it hung counts as a timeout.
 */
async function countedGetUpdates<T>(request: Promise<T>, signal: AbortSignal, metrics: BotMetrics) {
  try {
    const updates = await request;
    metrics.countApiCall('getUpdates', 'ok');
    return updates;
  } catch (error) {
    const reason = signal.reason as { name?: unknown } | undefined;
    if (!signal.aborted) metrics.countApiCall('getUpdates', apiOutcome(error));
    else if (reason?.name === 'TimeoutError') metrics.countApiCall('getUpdates', 'timeout');
    throw error;
  }
}

function boundAddress(server: Server): string {
  const address = server.address();
  if (typeof address !== 'object' || !address) return String(address);
  return address.family === 'IPv6'
    ? `[${address.address}]:${address.port}`
    : `${address.address}:${address.port}`;
}

/**
 * The dispatcher's update handler: bot.handleUpdate, plus the "temporarily unavailable" notice when the
 * store cannot be reached (the error then goes on to the dispatcher, which leaves the update for Telegram
 * to deliver again).
 */
export function handleWithNotices(bot: Telegraf<BotContext>, notices: UnavailableNotices) {
  return async (update: Update): Promise<void> => {
    try {
      await bot.handleUpdate(update);
      notices.recovered();
    } catch (err) {
      if (err instanceof StoreUnavailableError) await notices.notify(update);
      throw err;
    }
  };
}

/** Sharing state between instances, metrics and logging of the webhook server. */
export interface WebhookOptions {
  /**
   * Claims each update before handling it, so that an update Telegram delivers twice (to this instance or
   * another) is answered once; /healthz reports whether it answers. Without it every update is handled.
   */
  store?: Pick<Store, 'ping' | 'claimUpdate' | 'completeUpdate' | 'releaseUpdate'> | undefined;
  /** Tells users the bot is unavailable while the store is unreachable. */
  notices?: UnavailableNotices | undefined;
  /** Counts refused requests; served at GET /metrics unless `serveMetrics` is false. */
  metrics?: BotMetrics | undefined;
  /** Whether GET /metrics is served here (default true when `metrics` is given; false with METRICS_PORT). */
  serveMetrics?: boolean | undefined;
  /** Where refused requests are logged (default: a RefusalLog with DEFAULT_REFUSAL_LOG_INTERVAL_MS). */
  refusals?: RefusalLog | undefined;
}

/**
 * The webhook server: GET /healthz, GET /metrics (with metrics), and POST <path> carrying the secret
 * header (compared in constant time); 401 without it. With a store, an update is first claimed: one
 * already answered gets 200 and nothing else, one being handled elsewhere 503. An update is answered 200
 * once handled, 503 if the bot is stopping and never started it, or the store cannot be reached (Telegram
 * sends it again later, maybe to another instance). /healthz answers 200 {"ok":true,"store":"up"}, or 503
 * {"ok":false,"store":"down"}. A refused request (401, 404, 405, 413, 400) is answered with
 * "Connection: close" and its connection closed, is counted, and is logged at most once per interval.
 */
export function webhookHandler(
  bot: Telegraf<BotContext>,
  path: string,
  secret: string,
  logger: Logger,
  dispatcher: Dispatcher = createDispatcher((update) => bot.handleUpdate(update), logger),
  { store, notices, metrics, serveMetrics = true, refusals = createRefusalLog(logger) }: WebhookOptions = {},
) {
  // Digests have one length whatever was sent, so not even the secret's length shows in the timing.
  const digest = (value: string) => createHash('sha256').update(value).digest();
  const expected = digest(secret);
  const authorized = (header: string | string[] | undefined) =>
    timingSafeEqual(digest(typeof header === 'string' ? header : ''), expected);

  /**
   * The body of a refused request may be unread, or read in part: on a kept-alive connection its rest
   * would be parsed as the next request. The connection is closed instead of reading what may be
   * megabytes sent by someone without the secret.
   */
  const refuse = (
    req: IncomingMessage,
    res: ServerResponse,
    status: number,
    reason: RefusalReason,
    headers: Readonly<Record<string, string>> = {},
  ) => {
    metrics?.countRefused(reason);
    refusals.refused(reason, req.socket.remoteAddress);
    // Node closes the connection once a response saying so is sent.
    res.writeHead(status, { ...headers, connection: 'close' }).end();
  };

  /** Why a request is refused before its body is read, if it is. */
  const refusalOf = (
    req: IncomingMessage,
    pathname: string | undefined,
  ): { status: number; reason: RefusalReason; headers?: Record<string, string> } | undefined => {
    if (pathname !== path) return { status: 404, reason: 'not_found' };
    if (req.method !== 'POST') {
      return { status: 405, reason: 'method_not_allowed', headers: { allow: 'POST' } };
    }
    if (!authorized(req.headers[SECRET_HEADER])) return { status: 401, reason: 'unauthorized' };
    // Known to be too large before a byte of it is read.
    if (Number(req.headers['content-length']) > MAX_WEBHOOK_BODY_BYTES) {
      return { status: 413, reason: 'too_large' };
    }
    return undefined;
  };

  return (req: IncomingMessage, res: ServerResponse): void => {
    // The path as sent, not normalised: new URL() reads "//x/y" as host "x" and throws on "//[" (which
    // would end the process); the configuration refuses WEBHOOK_PATH with "." or ".." segments.
    const pathname = (req.url ?? '/').split('?', 1)[0];
    const reading = req.method === 'GET' || req.method === 'HEAD';
    if (pathname === HEALTH_PATH && reading) {
      void health(store).then(({ status, body }) => {
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      });
      return;
    }
    if (metrics && serveMetrics && pathname === METRICS_PATH && reading) {
      serveMetricsText(metrics, req, res);
      return;
    }
    const refusal = refusalOf(req, pathname);
    if (refusal) {
      refuse(req, res, refusal.status, refusal.reason, refusal.headers);
      return;
    }
    readUpdate(req)
      .then(async (read) => {
        if (!('update' in read)) {
          refuse(req, res, read.refused === 'too_large' ? 413 : 400, read.refused);
          return;
        }
        const { update } = read;
        const id = update.update_id;
        const claim = await store?.claimUpdate(id).catch(async (err: unknown) => {
          if (!(err instanceof StoreUnavailableError)) throw err;
          await notices?.notify(update);
          return 'unavailable' as const;
        });
        if (claim === 'done') logger.debug({ updateId: id }, 'update already answered; skipped');
        if (claim !== undefined && claim !== 'claimed') {
          res.writeHead(claim === 'done' ? 200 : 503).end();
          return;
        }
        const outcome = await dispatcher.dispatch(update);
        // The claim is given back when the update was not handled, for the redelivery to take.
        const settle = outcome === 'handled' ? store?.completeUpdate(id) : store?.releaseUpdate(id);
        await settle?.catch((err: unknown) => {
          logger.warn({ err, updateId: id, outcome }, 'could not record the update in the store');
        });
        res.writeHead(outcome === 'handled' ? 200 : 503).end();
      })
      .catch((err: unknown) => {
        logger.error({ err }, 'webhook request failed');
        if (!res.headersSent) res.writeHead(500, { connection: 'close' });
        res.end();
      });
  };
}

/** The health check's answer: the store's reachability (no store: just "up"). */
async function health(store: WebhookOptions['store']) {
  if (!store) return { status: 200, body: { ok: true } };
  return (await probeStore(store, HEALTH_TIMEOUT_MS))
    ? { status: 200, body: { ok: true, store: 'up' } }
    : { status: 503, body: { ok: false, store: 'down' } };
}

/**
 * The update in a webhook request's body, or why it is not one: too large, not JSON, or without an
 * update_id Telegram could have sent (a non-negative safe integer; 1e300 is an integer to JavaScript, but
 * no store can claim it).
 */
async function readUpdate(
  req: IncomingMessage,
): Promise<{ update: Update } | { refused: 'too_large' | 'bad_update' }> {
  const body = await new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      chunks.push(chunk);
      if (size <= MAX_WEBHOOK_BODY_BYTES) return;
      // Stop reading but leave the stream open: destroying it would drop the connection before the 413
      // is written. The response closes the connection.
      req.off('data', onData).off('end', onEnd).off('error', reject).pause();
      resolve(undefined);
    };
    const onEnd = () => resolve(Buffer.concat(chunks));
    req.on('data', onData).once('end', onEnd).once('error', reject);
  });
  if (!body) return { refused: 'too_large' };
  try {
    const update = JSON.parse(body.toString('utf8')) as unknown;
    const id = (update as Partial<Update> | null)?.update_id;
    const valid = typeof update === 'object' && Number.isSafeInteger(id) && (id as number) >= 0;
    return valid ? { update: update as Update } : { refused: 'bad_update' };
  } catch {
    return { refused: 'bad_update' };
  }
}

function waitForSignal(signals: readonly NodeJS.Signals[], abort: AbortSignal | undefined) {
  let onSignal: (signal: NodeJS.Signals | 'abort') => void = () => {};
  const promise = new Promise<NodeJS.Signals | 'abort'>((resolve) => {
    onSignal = resolve;
  });
  for (const signal of signals) process.once(signal, onSignal);
  const onAbort = () => onSignal('abort');
  if (abort?.aborted) onAbort();
  abort?.addEventListener('abort', onAbort, { once: true });
  // After dispose, a second Ctrl+C falls back to Node's default and ends the process at once.
  const dispose = () => {
    for (const signal of signals) process.off(signal, onSignal);
    abort?.removeEventListener('abort', onAbort);
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
