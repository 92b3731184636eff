import { setMaxListeners } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import PQueue from 'p-queue';
import { Telegram, TelegramError } from 'telegraf';
import type { Opts, Telegram as TelegramMethods } from 'telegraf/types';
import { DEFAULT_BOT_API_TIMEOUT_SECONDS } from '../config.js';
import type { Logger } from '../logger.js';
import { noteAnswered } from './answered.js';
import type { Delivery } from './delivery.js';
import { htmlToPlain } from './html.js';
import { type ApiOutcome, apiOutcome } from './metrics.js';

/** At most `cap` calls in any window of `intervalMs` milliseconds. */
export interface RateLimit {
  cap: number;
  intervalMs: number;
}

/** How the bot paces and retries its Bot API calls; DEFAULT_OUTBOUND_OPTIONS holds the defaults. */
export interface OutboundOptions {
  /** Messages to one chat (Telegram asks for about one per second). Applies to groups as well. */
  perChat: RateLimit;
  /** Messages to one group or channel, on top of perChat (Telegram allows about 20 per minute). */
  perGroup: RateLimit;
  /** All calls together, whatever the chat (Telegram allows about 30 messages per second). */
  global: RateLimit;
  /** Times a call answered "429 Too Many Requests" is sent again, each after its retry_after. */
  maxRateLimitRetries: number;
  /** A retry_after longer than this is not waited for: the call fails instead of holding the chat. */
  maxRetryAfterMs: number;
  /** Times a call that met a 5xx or a network error is sent again. */
  maxServerRetries: number;
  /** Wait before the first such retry; it doubles with each further one. */
  backoffMs: number;
  /**
   * Deadline of one request (BOT_API_TIMEOUT_SECONDS): a request still unanswered then is abandoned and
   * fails (BotApiTimeoutError), so a hung connection holds its chat for this long at most.
   */
  timeoutMs: number;
  /**
   * Requests on the wire at once, whatever the chat. Telegram's limits keep it to a few; with them lifted
   * (the bench) a burst would open thousands of connections, and the last would reach their deadline
   * before the server even read them.
   */
  maxInFlight: number;
}

export const DEFAULT_OUTBOUND_OPTIONS: Readonly<OutboundOptions> = Object.freeze({
  perChat: { cap: 1, intervalMs: 1000 },
  perGroup: { cap: 20, intervalMs: 60_000 },
  global: { cap: 30, intervalMs: 1000 },
  maxRateLimitRetries: 10,
  maxRetryAfterMs: 60_000,
  maxServerRetries: 3,
  backoffMs: 500,
  timeoutMs: DEFAULT_BOT_API_TIMEOUT_SECONDS * 1000,
  maxInFlight: 100,
});

/**
 * A request abandoned at its deadline (OutboundOptions.timeoutMs). Not retried by the queue; the outbox
 * sends a reply again later, like one that met a dropped connection.
 */
export class BotApiTimeoutError extends Error {
  // The name isNetworkError and the metrics (outcome "timeout") recognise.
  override name = 'TimeoutError';
  constructor(method: string, timeoutMs: number) {
    super(`${method} got no answer within ${timeoutMs} ms`);
  }
}

/** A call given up because the bot is shutting down and its grace period is over. */
export class OutboundAbortedError extends Error {
  override name = 'OutboundAbortedError';
  constructor(method: string) {
    super(`${method} was not sent: the bot is shutting down`);
  }
}

/** What the outbound queue has done so far (for logs and tests). */
export interface OutboundStats {
  /** Calls that Telegram accepted. */
  sent: number;
  /** "429 Too Many Requests" answers, each followed by a wait and a retry. */
  rateLimited: number;
  /** 5xx answers and network errors that were retried. */
  serverErrors: number;
  /** Messages sent again as plain text after Telegram could not parse their HTML. */
  plainFallbacks: number;
  /** Calls refused with 403 (the user blocked the bot, or the bot is no longer in the group). */
  forbidden: number;
  /** Calls that finally failed. */
  failed: number;
  /** Chat actions ("typing...") not sent because messages were waiting for the global limit. */
  skippedChatActions: number;
}

/** Makes one request with `payload`; `signal` aborts it at its deadline. */
export type Send<T> = (payload: object, signal: AbortSignal) => Promise<T>;

/** The one place every Bot API call of the bot goes through (but getUpdates). */
export interface Outbound {
  /**
   * Sends one call: a chat's messages and edits one at a time and in order, within the per-chat,
   * per-group and global limits; retried after a 429's retry_after, after 5xx and network errors with
   * backoff, once as plain text if Telegram cannot parse its HTML; never retried after a 403. Each
   * request is abandoned at its deadline (timeoutMs); chat actions are skipped while messages wait.
   */
  call<T>(method: string, payload: object, send: Send<T>): Promise<T>;
  /** Calls waiting or running. */
  readonly pending: number;
  /** When the oldest call still waiting or running was given (ms since the epoch); undefined if none. */
  readonly oldestPendingAt: number | undefined;
  readonly stats: Readonly<OutboundStats>;
  /** Gives up every wait (queue or retry_after) at once; for the end of a shutdown's grace period. */
  abort(): void;
}

/** Whether Telegram refused a call because the user blocked the bot or the bot left the chat. */
export function isChatUnavailable(error: unknown): boolean {
  return error instanceof TelegramError && error.code === 403;
}

/** Whether an error is a network failure: connection refused, reset, or dropped mid-answer. */
export function isNetworkError(error: unknown): boolean {
  return error instanceof Error && (error.name === 'FetchError' || error.name === 'TimeoutError');
}

const isServerError = (error: unknown) => error instanceof TelegramError && error.code >= 500;
const isEntityError = (error: unknown) =>
  error instanceof TelegramError && error.code === 400 && /can't parse entities/i.test(error.description);

// Chat actions ("typing...") are hints, not messages: they neither wait behind the answers nor take a
// slot of the global limit that a message needs (under load they are skipped).
const CHAT_ACTION = 'sendChatAction';

function chatOf(payload: object): number | string | undefined {
  const chatId = (payload as { chat_id?: unknown }).chat_id;
  return typeof chatId === 'number' || typeof chatId === 'string' ? chatId : undefined;
}

/** Private chats have positive ids; groups, supergroups and channels negative ids or "@username". */
const isGroupChat = (chatId: number | string) => typeof chatId === 'string' || chatId < 0;

/** The same message as plain text: what Telegram would have shown, without the formatting. */
function asPlainText(payload: object): object {
  const plain: Record<string, unknown> = { ...payload, parse_mode: undefined, entities: undefined };
  for (const field of ['text', 'caption'] as const) {
    const value = plain[field];
    if (typeof value === 'string') plain[field] = htmlToPlain(value);
  }
  return plain;
}

const rateQueue = ({ cap, intervalMs }: RateLimit, concurrency = Number.POSITIVE_INFINITY) =>
  new PQueue({ concurrency, intervalCap: cap, interval: intervalMs, strict: true });

/** What the outbound queue reports of each request it sends (the metrics). */
export interface OutboundObserver {
  /** One request sent (a retry is another), and how it ended. */
  countApiCall(method: string, outcome: ApiOutcome): void;
}

/**
 * Builds the outbound queue: one p-queue per active chat (and group) in front of one global p-queue.
 * `observer` hears of every request sent; `now` is the clock of oldestPendingAt.
 */
export function createOutbound(
  logger: Logger,
  overrides: Partial<OutboundOptions> = {},
  observer?: OutboundObserver,
  now: () => number = Date.now,
): Outbound {
  const options: OutboundOptions = { ...DEFAULT_OUTBOUND_OPTIONS, ...overrides };
  const global = rateQueue(options.global, options.maxInFlight);
  const chats = new Map<number | string, { queue: PQueue; group?: PQueue }>();
  const aborter = new AbortController();
  // Every queued call listens to it: hundreds at once are expected, not a leak.
  setMaxListeners(0, aborter.signal);
  const stats: OutboundStats = {
    sent: 0,
    rateLimited: 0,
    serverErrors: 0,
    plainFallbacks: 0,
    forbidden: 0,
    failed: 0,
    skippedChatActions: 0,
  };
  // When the requests of the last global window started, oldest first (for the chat actions' share).
  const recent: number[] = [];
  const noteRequest = () => {
    const at = now();
    recent.push(at);
    while (recent.length > 0 && (recent[0] ?? at) <= at - options.global.intervalMs) recent.shift();
  };
  /** Whether a chat action may go now: no message waits, and it leaves half the window to messages. */
  const chatActionFits = () => {
    const at = now();
    while (recent.length > 0 && (recent[0] ?? at) <= at - options.global.intervalMs) recent.shift();
    return global.size === 0 && recent.length < options.global.cap / 2;
  };
  let pending = 0;
  // Insertion order is arrival order, so the first entry is the oldest call still pending.
  const started = new Map<symbol, number>();

  function chatQueues(chatId: number | string) {
    let entry = chats.get(chatId);
    if (!entry) {
      // concurrency 1: the chat's messages go out one after the other, in the order they were given.
      const created = {
        queue: rateQueue(options.perChat, 1),
        ...(isGroupChat(chatId) ? { group: rateQueue(options.perGroup) } : {}),
      };
      entry = created;
      chats.set(chatId, created);
      // Once idle for the longest window, the chat's history no longer matters and its queues can go.
      const forgetAfter = Math.max(
        options.perChat.intervalMs,
        created.group ? options.perGroup.intervalMs : 0,
      );
      let timer: NodeJS.Timeout | undefined;
      created.queue.on('active', () => clearTimeout(timer));
      created.queue.on('idle', () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          if (created.queue.size === 0 && created.queue.pending === 0) chats.delete(chatId);
        }, forgetAfter).unref();
      });
    }
    return entry;
  }

  /**
   * Runs a task through a queue. An abort drops it while it waits; once started, its own outcome counts
   * (p-queue would reject at once, while the request goes on and may well deliver the message).
   */
  async function enqueue<T>(queue: PQueue, method: string, task: () => Promise<T>): Promise<T> {
    let started: Promise<T> | undefined;
    try {
      return await queue.add(
        () => {
          started = task();
          return started;
        },
        { signal: aborter.signal },
      );
    } catch (error) {
      if (started) return started;
      throw aborter.signal.aborted ? new OutboundAbortedError(method) : error;
    }
  }

  async function wait(ms: number, method: string): Promise<void> {
    try {
      await sleep(ms, undefined, { signal: aborter.signal });
    } catch {
      throw new OutboundAbortedError(method);
    }
  }

  /** One request with its deadline; a request that does not honour the signal is abandoned all the same. */
  function request<T>(method: string, body: object, send: Send<T>): Promise<T> {
    noteRequest();
    const deadline = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const expired = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        const error = new BotApiTimeoutError(method, options.timeoutMs);
        deadline.abort(error);
        reject(error);
      }, options.timeoutMs);
    });
    const sent = send(body, deadline.signal);
    // The request's own rejection after the deadline is the abort's echo: nobody waits for it any more.
    sent.catch(() => {});
    return Promise.race([sent, expired]).finally(() => clearTimeout(timer));
  }

  async function attempt<T>(method: string, payload: object, send: Send<T>): Promise<T> {
    const chatId = (payload as { chat_id?: unknown }).chat_id;
    let body = payload;
    let rateLimits = 0;
    let serverErrors = 0;
    for (;;) {
      try {
        const result = await enqueue(global, method, () => observed(method, request(method, body, send)));
        stats.sent += 1;
        return result;
      } catch (error) {
        if (aborter.signal.aborted) throw new OutboundAbortedError(method);
        if (error instanceof TelegramError && error.code === 429) {
          const retryAfterMs = (error.parameters?.retry_after ?? 1) * 1000;
          stats.rateLimited += 1;
          if (rateLimits++ < options.maxRateLimitRetries && retryAfterMs <= options.maxRetryAfterMs) {
            logger.warn(
              { method, chatId, retryAfterMs },
              'Telegram asked to slow down; sending again after the wait',
            );
            await wait(retryAfterMs, method);
            continue;
          }
        } else if (isChatUnavailable(error)) {
          stats.forbidden += 1;
          logger.warn(
            { method, chatId, description: (error as TelegramError).description },
            'Telegram refused the call (the user blocked the bot or the bot left the chat); not retried',
          );
          throw error;
        } else if (isEntityError(error) && body === payload && 'parse_mode' in payload) {
          stats.plainFallbacks += 1;
          logger.warn(
            { method, chatId, description: (error as TelegramError).description },
            'Telegram could not parse the HTML; sending it as plain text',
          );
          body = asPlainText(payload);
          continue;
        } else if (
          isServerError(error) ||
          // A call abandoned at its deadline is not tried again here: that would hold its chat (and its
          // update) for several deadlines; a reply is sent again from the outbox instead.
          (isNetworkError(error) && !(error instanceof BotApiTimeoutError))
        ) {
          stats.serverErrors += 1;
          if (serverErrors < options.maxServerRetries) {
            const backoffMs = options.backoffMs * 2 ** serverErrors++;
            logger.warn({ method, chatId, backoffMs, err: error }, 'Bot API call failed; retrying');
            await wait(backoffMs, method);
            continue;
          }
        }
        stats.failed += 1;
        throw error;
      }
    }
  }

  /** The request's outcome, told to the observer (a request never sent, dropped by an abort, is not). */
  function observed<T>(method: string, request: Promise<T>): Promise<T> {
    if (!observer) return request;
    return request.then(
      (result) => {
        observer.countApiCall(method, 'ok');
        return result;
      },
      (error: unknown) => {
        observer.countApiCall(method, apiOutcome(error));
        throw error;
      },
    );
  }

  return {
    async call(method, payload, send) {
      pending += 1;
      const key = Symbol(method);
      started.set(key, now());
      try {
        if (method === CHAT_ACTION) {
          if (!chatActionFits()) {
            stats.skippedChatActions += 1;
            return true as never;
          }
          // Outside the global queue: it never delays a message; if Telegram is slow it is simply late.
          const result = await observed(method, request(method, payload, send));
          stats.sent += 1;
          return result;
        }
        const chatId = chatOf(payload);
        if (chatId === undefined) return await attempt(method, payload, send);
        const { queue, group } = chatQueues(chatId);
        const run = () => attempt(method, payload, send);
        return await enqueue(queue, method, () => (group ? enqueue(group, method, run) : run()));
      } catch (error) {
        if (aborter.signal.aborted && !(error instanceof OutboundAbortedError)) {
          throw new OutboundAbortedError(method);
        }
        throw error;
      } finally {
        pending -= 1;
        started.delete(key);
      }
    },
    get pending() {
      return pending;
    },
    get oldestPendingAt() {
      return started.values().next().value;
    },
    stats,
    abort() {
      aborter.abort();
    },
  };
}

/** The calls that are replies a user waits for: written to the outbox and sent from there. */
export const OWED_METHODS: ReadonlySet<string> = new Set(['sendMessage', 'sendVenue']);

const hasChat = (payload: object) => {
  const chatId = (payload as { chat_id?: unknown }).chat_id;
  return typeof chatId === 'number' || typeof chatId === 'string';
};

/**
 * The bot's Telegram client: every call but getUpdates goes through the outbound queue; replies go
 * through the outbox (delivery) when one is attached. Telegraf builds
 * a client per update, so createBot installs this one in the context as well.
 */
export class QueuedTelegram extends Telegram {
  /** Where replies go once the outbox runs (runBot attaches it); until then they are sent directly. */
  delivery: Delivery | undefined;

  constructor(
    token: string,
    options: Partial<Telegram['options']>,
    readonly outbound: Outbound,
  ) {
    super(token, options);
  }

  override callApi<M extends keyof TelegramMethods>(
    method: M,
    payload: Opts<M>,
    options?: Parameters<Telegram['callApi']>[2],
  ): Promise<ReturnType<TelegramMethods[M]>> {
    if (method === 'getUpdates') return super.callApi(method, payload, options);
    if (OWED_METHODS.has(method)) noteAnswered();
    if (this.delivery && OWED_METHODS.has(method) && hasChat(payload)) {
      // What a handler gets back once its reply is owed rather than sent (undefined) is never read: the
      // bot's handlers do not use the sent message.
      return this.delivery.owe(method, payload as Record<string, unknown>) as Promise<
        ReturnType<TelegramMethods[M]>
      >;
    }
    return this.direct(method, payload, options);
  }

  /** Sends a call through the outbound queue now, whatever the method (the outbox's own sends). */
  direct<M extends keyof TelegramMethods>(
    method: M,
    payload: Opts<M>,
    options?: Parameters<Telegram['callApi']>[2],
  ): Promise<ReturnType<TelegramMethods[M]>> {
    return this.outbound.call(method, payload, (body, signal) =>
      super.callApi(method, body as Opts<M>, {
        ...options,
        // Telegraf types its signal with the abort-controller polyfill; Node's own works the same at runtime.
        signal: (options?.signal ? AbortSignal.any([options.signal as never, signal]) : signal) as never,
      }),
    );
  }
}
