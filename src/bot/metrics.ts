import type { IncomingMessage, ServerResponse } from 'node:http';
import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import { TelegramError } from 'telegraf';

/** Path of the Prometheus endpoint, on the webhook server or on METRICS_PORT. */
export const METRICS_PATH = '/metrics';
/** Prefix of every metric the bot exports (the default process metrics included). */
export const METRIC_PREFIX = 'forum_bot_';
/** How long a scrape waits for the store to answer before reporting it down. */
export const STORE_PROBE_TIMEOUT_MS = 1000;
/** Engine latency buckets in seconds: the engine answers in milliseconds; anything near a second is a problem. */
export const ENGINE_SECONDS_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** How a Bot API call ended, as the metrics count it. */
export type ApiOutcome = 'ok' | '429' | '5xx' | 'timeout' | 'error';

/** Why the webhook server refused a request. */
export type RefusalReason = 'unauthorized' | 'not_found' | 'method_not_allowed' | 'too_large' | 'bad_update';

// Telegram's update kinds; anything else is counted as "other", so a forged body cannot add label values.
const UPDATE_KINDS = new Set([
  'message',
  'edited_message',
  'channel_post',
  'edited_channel_post',
  'business_connection',
  'business_message',
  'edited_business_message',
  'deleted_business_messages',
  'message_reaction',
  'message_reaction_count',
  'inline_query',
  'chosen_inline_result',
  'callback_query',
  'shipping_query',
  'pre_checkout_query',
  'poll',
  'poll_answer',
  'my_chat_member',
  'chat_member',
  'chat_join_request',
  'chat_boost',
  'removed_chat_boost',
]);

/** What the gauges read at scrape time; each source may be attached once it exists. */
export interface MetricSources {
  /** The outbound queue: calls waiting or running, and when the oldest of them was given. */
  outbound?: { readonly pending: number; readonly oldestPendingAt: number | undefined };
  /** The dispatcher: updates waiting for their turn or being handled. */
  dispatcher?: { readonly inFlight: number };
  /** The store, pinged on each scrape. */
  store?: { ping(): Promise<void> };
  /** The outbox of replies owed, read on each scrape. */
  outbox?: { outboxSummary(): Promise<{ depth: number; oldestAt: number | undefined }> };
}

/** The bot's Prometheus metrics, in a registry of their own (several bots may live in one process). */
export interface BotMetrics {
  readonly registry: Registry;
  /** One update received, counted by its kind (message, callback_query...). */
  countUpdate(update: object): void;
  /** One question answered, by the engine's result kind and the reply's language. */
  countAnswer(kind: string, lang: string): void;
  /** How long the engine took over one question. */
  observeEngine(seconds: number): void;
  /** One Bot API request (each retry counts), by method and outcome. */
  countApiCall(method: string, outcome: ApiOutcome): void;
  /** One webhook request refused. */
  countRefused(reason: RefusalReason): void;
  /** Attaches what the gauges read (merged with what was attached before). */
  watch(sources: MetricSources): void;
}

/** The kind of an update: its one field besides update_id, or "other" if Telegram has no such kind. */
export function updateKind(update: object): string {
  const kind = Object.keys(update).find((key) => key !== 'update_id');
  return kind !== undefined && UPDATE_KINDS.has(kind) ? kind : 'other';
}

/** How a Bot API call ended: Telegram's 429 and 5xx, a timeout, or any other error. */
export function apiOutcome(error: unknown): ApiOutcome {
  if (error === undefined) return 'ok';
  if (error instanceof TelegramError) {
    if (error.code === 429) return '429';
    if (error.code >= 500) return '5xx';
    return 'error';
  }
  const { name, type, code } = (error ?? {}) as { name?: unknown; type?: unknown; code?: unknown };
  // node-fetch reports its own timeouts as FetchError "request-timeout"; AbortSignal.timeout as TimeoutError.
  if (name === 'TimeoutError' || type === 'request-timeout' || code === 'ETIMEDOUT') return 'timeout';
  return 'error';
}

/** Whether the store answers within `timeoutMs`. */
export async function probeStore(store: { ping(): Promise<void> }, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
  });
  try {
    await Promise.race([store.ping(), timeout]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}

/** Builds the metrics, with Node's default process metrics, in a new registry. */
export function createMetrics(now: () => number = Date.now): BotMetrics {
  const registry = new Registry();
  const registers = [registry];
  const sources: MetricSources = {};
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });

  const updates = new Counter({
    name: `${METRIC_PREFIX}updates_total`,
    help: 'Updates received from Telegram, by kind.',
    labelNames: ['kind'],
    registers,
  });
  const answers = new Counter({
    name: `${METRIC_PREFIX}answers_total`,
    help: 'Questions answered, by result kind (answer, partial, suggestions, notFound) and reply language.',
    labelNames: ['kind', 'lang'],
    registers,
  });
  const engine = new Histogram({
    name: `${METRIC_PREFIX}engine_seconds`,
    help: 'Time the answer engine took over one question, in seconds.',
    buckets: ENGINE_SECONDS_BUCKETS,
    registers,
  });
  const apiCalls = new Counter({
    name: `${METRIC_PREFIX}bot_api_calls_total`,
    help: 'Bot API requests (each retry counts), by method and outcome (ok, 429, 5xx, timeout, error).',
    labelNames: ['method', 'outcome'],
    registers,
  });
  const refused = new Counter({
    name: `${METRIC_PREFIX}webhook_refused_total`,
    help: 'Webhook requests refused, by reason.',
    labelNames: ['reason'],
    registers,
  });
  new Gauge({
    name: `${METRIC_PREFIX}outbound_pending`,
    help: 'Bot API calls waiting in the outbound queue or running.',
    registers,
    collect() {
      this.set(sources.outbound?.pending ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}outbound_oldest_seconds`,
    help: 'Age of the oldest Bot API call waiting or running, in seconds (0 when none).',
    registers,
    collect() {
      const oldest = sources.outbound?.oldestPendingAt;
      this.set(oldest === undefined ? 0 : Math.max(0, now() - oldest) / 1000);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}updates_in_flight`,
    help: 'Updates waiting for their chat’s turn or being handled.',
    registers,
    collect() {
      this.set(sources.dispatcher?.inFlight ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}store_up`,
    help: `1 if the store answered a ping within ${STORE_PROBE_TIMEOUT_MS} ms at scrape time, else 0.`,
    registers,
    async collect() {
      this.set(sources.store && (await probeStore(sources.store, STORE_PROBE_TIMEOUT_MS)) ? 1 : 0);
    },
  });

  // One read of the outbox serves both of its gauges in a scrape.
  let summary: Promise<{ depth: number; oldestAt: number | undefined } | undefined> | undefined;
  const outboxSummary = () => {
    summary ??= (sources.outbox?.outboxSummary() ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .finally(() => setTimeout(() => (summary = undefined), 0));
    return summary;
  };
  new Gauge({
    name: `${METRIC_PREFIX}outbox_depth`,
    help: 'Replies owed in the outbox: written down, not sent yet (0 when none).',
    registers,
    async collect() {
      this.set((await outboxSummary())?.depth ?? 0);
    },
  });
  new Gauge({
    name: `${METRIC_PREFIX}outbox_oldest_age_seconds`,
    help: 'Age of the oldest reply owed in the outbox, in seconds (0 when none).',
    registers,
    async collect() {
      const oldest = (await outboxSummary())?.oldestAt;
      this.set(oldest === undefined ? 0 : Math.max(0, now() - oldest) / 1000);
    },
  });

  return {
    registry,
    countUpdate: (update) => updates.inc({ kind: updateKind(update) }),
    countAnswer: (kind, lang) => answers.inc({ kind, lang }),
    observeEngine: (seconds) => engine.observe(seconds),
    countApiCall: (method, outcome) => apiCalls.inc({ method, outcome }),
    countRefused: (reason) => refused.inc({ reason }),
    watch: (more) => Object.assign(sources, more),
  };
}

/** Answers GET /metrics with the registry's text exposition; anything else 404 (405 for other methods). */
export function serveMetrics(metrics: BotMetrics, req: IncomingMessage, res: ServerResponse): void {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    res.writeHead(405, { allow: 'GET, HEAD', connection: 'close' }).end();
    return;
  }
  metrics.registry.metrics().then(
    (text) => {
      res.writeHead(200, { 'content-type': metrics.registry.contentType }).end(text);
    },
    () => {
      if (!res.headersSent) res.writeHead(500);
      res.end();
    },
  );
}

/** The METRICS_PORT server's handler: /metrics and nothing else. */
export function metricsHandler(metrics: BotMetrics) {
  return (req: IncomingMessage, res: ServerResponse): void => {
    const pathname = new URL(req.url ?? '/', 'http://localhost').pathname;
    if (pathname === METRICS_PATH) serveMetrics(metrics, req, res);
    else res.writeHead(404, { connection: 'close' }).end();
  };
}
