import { randomUUID } from 'node:crypto';
import { TelegramError } from 'telegraf';
import type { Logger } from '../logger.js';
import { DEFAULT_OWED_CALLS_LIMIT, type OutboxStore, type OwedCall } from '../store/outbox.js';
import { isNetworkError, OutboundAbortedError } from './outbound.js';

/** How owed replies are sent and retried; DEFAULT_DELIVERY_OPTIONS holds the defaults. */
export interface DeliveryOptions {
  /**
   * How long a handler waits for its reply to go out before leaving it owed and going on: its update then
   * counts as handled (polling confirms it and moves on), and the outbox sends the reply in its chat's turn.
   */
  handOverMs: number;
  /** Wait before an owed reply is tried again after its first failure; doubles up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /** A reply still owed this long after it was written down is given up (logged as an error). */
  giveUpAfterMs: number;
  /**
   * How often the outbox is read for replies owed by another instance (or, until a read succeeds, by an
   * earlier run).
   */
  scanIntervalMs: number;
  /** How long the right to send (one instance sends) outlives a holder that stopped renewing it. */
  leaseMs: number;
  /**
   * This process is the only one on its store (a polling bot holds the poller lock or lease): it sends
   * without the outbox lease, so a restart right after a crash sends at once.
   */
  exclusive: boolean;
}

export const DEFAULT_DELIVERY_OPTIONS: Readonly<DeliveryOptions> = Object.freeze({
  handOverMs: 2000,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
  // Telegram keeps an update for a day too: a reply older than that answers a question nobody waits for.
  giveUpAfterMs: 24 * 60 * 60 * 1000,
  scanIntervalMs: 500,
  leaseMs: 15_000,
  exclusive: false,
});

/** What the outbox has done so far (for the shutdown log and tests). */
export interface DeliveryStats {
  /** Owed replies Telegram accepted. */
  sent: number;
  /** Failed attempts kept for a retry (5xx, dropped connection, timeout). */
  retried: number;
  /** Replies Telegram refused for good (403, 400) after their handler had gone on; dropped. */
  refused: number;
  /** Replies given up after giveUpAfterMs. */
  givenUp: number;
}

/** Sends the replies the bot owes, from the store's outbox: in order per chat, each once, until sent. */
export interface Delivery {
  /**
   * Writes a reply down, then sends it in its chat's turn. Resolves with Telegram's result once sent, or
   * with undefined after handOverMs or a failed attempt (it stays owed and is sent later); rejects if
   * Telegram refuses it for good (403, 400) while its handler still waits, or with OutboundAbortedError
   * when the shutdown cuts it short (it is then no longer owed: its update goes back to Telegram).
   */
  owe(method: string, payload: Record<string, unknown>): Promise<unknown>;
  /** Takes the lease if free and starts sending what earlier runs left owed. */
  start(): Promise<void>;
  /** Stops sending (what is still owed stays in the store); waits up to `timeoutMs` for sends on the wire. */
  stop(timeoutMs: number): Promise<void>;
  readonly stats: Readonly<DeliveryStats>;
}

/** An owed call in memory, with the handler waiting for it, if any. */
interface Owed extends OwedCall {
  waiter?: {
    resolve(result: unknown): void;
    reject(error: unknown): void;
    timer: NodeJS.Timeout;
    done: boolean;
  };
}

/**
 * Owed calls read at each look at a shared store: the oldest, enough to keep every chat busy; the rest
 * come in as these are sent, without parsing thousands of calls twice a second during an outage.
 */
const WATCHED_OWED_CALLS = 1000;

/** Failures worth another try later: Telegram down or overloaded, the connection lost, no answer in time. */
function isTransient(error: unknown): boolean {
  if (error instanceof TelegramError) return error.code >= 500 || error.code === 429;
  return isNetworkError(error);
}

/**
 * Builds the outbox's sender over `call` (a Bot API call through the outbound queue, with its limits,
 * retries and deadline). One instance per store sends (the lease): the others only write replies down.
 */
export function createDelivery(deps: {
  store: OutboxStore;
  call: (method: string, payload: Record<string, unknown>) => Promise<unknown>;
  logger: Logger;
  options?: Partial<DeliveryOptions> | undefined;
  now?: () => number;
}): Delivery {
  const { store, call, logger } = deps;
  const options: DeliveryOptions = { ...DEFAULT_DELIVERY_OPTIONS, ...deps.options };
  const now = deps.now ?? Date.now;
  const holder = randomUUID();
  const stats: DeliveryStats = { sent: 0, retried: 0, refused: 0, givenUp: 0 };
  // Per chat, the owed calls in id order, whether one is being sent, and the timer of its next retry.
  const chats = new Map<string, { calls: Owed[]; running: boolean; timer?: NodeJS.Timeout }>();
  // Ids held in `chats`; and ids sent (or dropped) that a read of the store begun earlier may still return.
  const known = new Set<number>();
  const removed = new Set<number>();
  const pumps = new Set<Promise<void>>();
  let leased = false;
  let stopping = false;
  let scanning = false;
  // A read was asked for while one was running (a call owed since it began).
  let rescan = false;
  // Calls owed here that no read has returned yet (a shared store), with their waiting handlers.
  const unread = new Map<number, Owed>();
  let readOnce = false;
  let scanner: NodeJS.Timeout | undefined;

  const queueOf = (chat: string) => {
    let queue = chats.get(chat);
    if (!queue) {
      queue = { calls: [], running: false };
      chats.set(chat, queue);
    }
    return queue;
  };

  function insert(owed: Owed) {
    known.add(owed.id);
    const { calls } = queueOf(owed.chat);
    let at = calls.length;
    while (at > 0 && (calls[at - 1]?.id ?? 0) > owed.id) at -= 1;
    calls.splice(at, 0, owed);
  }

  /** Behind a reply already left owed (its chat is stuck, or Telegram is down): no point waiting. */
  function handOverIfBehind(owed: Owed) {
    if (!owed.waiter || owed.waiter.done) return;
    const ahead = chats.get(owed.chat)?.calls ?? [];
    if (ahead.some((c) => c.id < owed.id && (!c.waiter || c.waiter.done))) settle(owed, {});
  }

  /** Lets the handler go on: with the result once sent, or with undefined while the call stays owed. */
  function settle(owed: Owed, outcome: { result?: unknown; error?: unknown }) {
    const waiter = owed.waiter;
    if (!waiter || waiter.done) return false;
    waiter.done = true;
    clearTimeout(waiter.timer);
    if (outcome.error !== undefined) waiter.reject(outcome.error);
    else waiter.resolve(outcome.result);
    return true;
  }

  async function forget(owed: Owed) {
    const { calls } = queueOf(owed.chat);
    const at = calls.indexOf(owed);
    if (at >= 0) calls.splice(at, 1);
    known.delete(owed.id);
    // Only a later read of the store could bring it back; alone on the store, there is none.
    if (!(options.exclusive && readOnce)) removed.add(owed.id);
    await store.removeOwedCall(owed.id).catch((err: unknown) => {
      logger.warn(
        { err, chat: owed.chat },
        'could not remove a sent reply from the outbox; it may be sent twice',
      );
    });
  }

  /** Sends a chat's owed calls one at a time, in order, until none is due. */
  async function drive(chat: string) {
    const queue = chats.get(chat);
    if (!queue) return;
    while (!stopping && leased) {
      const head = queue.calls[0];
      if (!head) break;
      const wait = head.notBefore - now();
      if (wait > 0) {
        clearTimeout(queue.timer);
        queue.timer = setTimeout(() => {
          queue.timer = undefined;
          pump(chat);
        }, wait);
        queue.timer.unref();
        break;
      }
      const ageMs = now() - head.createdAt;
      if (ageMs > options.giveUpAfterMs) {
        stats.givenUp += 1;
        logger.error(
          { chat, method: head.method, ageMs, attempts: head.attempts },
          'owed reply given up: not sent within a day',
        );
        await forget(head);
        settle(head, {});
        continue;
      }
      try {
        const result = await call(head.method, head.payload);
        stats.sent += 1;
        await forget(head);
        settle(head, { result });
      } catch (error) {
        if (error instanceof OutboundAbortedError) {
          // The shutdown: nothing more goes out. A reply whose handler still waits goes back to Telegram
          // with its update; one already handed over stays owed for the next run.
          stopping = true;
          if (head.waiter && !head.waiter.done) {
            await forget(head);
            settle(head, { error });
          }
          break;
        }
        if (isTransient(error)) {
          stats.retried += 1;
          head.attempts += 1;
          const retryInMs = Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (head.attempts - 1));
          head.notBefore = now() + retryInMs;
          logger.warn(
            { err: error, chat, method: head.method, attempts: head.attempts, retryInMs },
            'reply not sent; kept in the outbox and tried again later',
          );
          await store.retryOwedCallLater(head.id, head.attempts, head.notBefore).catch(() => {});
          settle(head, {});
          continue;
        }
        await forget(head);
        if (!settle(head, { error })) {
          stats.refused += 1;
          logger.warn({ err: error, chat, method: head.method }, 'Telegram refused an owed reply; dropped');
        }
      }
    }
  }

  function pump(chat: string) {
    const queue = chats.get(chat);
    if (!queue || queue.running) return;
    queue.running = true;
    const pumping = drive(chat).finally(() => {
      queue.running = false;
      pumps.delete(pumping);
      if (queue.calls.length === 0 && chats.get(chat) === queue) chats.delete(chat);
      // A call owed while this pass was ending would otherwise wait for the next one.
      else if (queue.calls.length > 0 && !queue.timer && !stopping && leased) pump(chat);
    });
    pumps.add(pumping);
  }

  /** Renews the lease and picks up what the store owes that this process does not know of yet. */
  async function scan() {
    if (stopping) return;
    if (scanning) {
      rescan = true;
      return;
    }
    scanning = true;
    rescan = false;
    try {
      const held = options.exclusive || (await store.holdOutboxLease(holder, options.leaseMs));
      if (held !== leased) {
        logger.info({ held }, held ? 'sending owed replies' : 'another instance sends the owed replies');
      }
      leased = held;
      if (!leased) return;
      const limit = options.exclusive ? DEFAULT_OWED_CALLS_LIMIT : WATCHED_OWED_CALLS;
      const rows = await store.owedCalls(limit);
      const seen = new Set<number>();
      let newest = 0;
      for (const row of rows) {
        seen.add(row.id);
        newest = Math.max(newest, row.id);
        if (known.has(row.id) || removed.has(row.id)) continue;
        const entry = unread.get(row.id) ?? row;
        unread.delete(row.id);
        insert(entry);
        handOverIfBehind(entry);
      }
      for (const [id, entry] of unread) if (entry.waiter?.done) unread.delete(id);
      // Held here but gone from the store (sent by another instance while this one had lost the lease);
      // ids above `newest` may have been owed after the read.
      for (const queue of chats.values()) {
        for (const owed of [...queue.calls]) {
          if (owed.id < newest && !seen.has(owed.id) && (!owed.waiter || owed.waiter.done)) {
            queue.calls.splice(queue.calls.indexOf(owed), 1);
            known.delete(owed.id);
          }
        }
      }
      // An id this read no longer returned was removed before it: no later read returns it either.
      for (const id of removed) if (!seen.has(id)) removed.delete(id);
      for (const chat of chats.keys()) pump(chat);
      // Alone on the store, this process knows everything owed from now on (once it has read it all): no
      // need to read it again.
      if (options.exclusive && rows.length < limit) {
        clearInterval(scanner);
        readOnce = true;
        removed.clear();
      }
    } catch (err) {
      logger.warn({ err }, 'could not read the outbox; trying again');
    } finally {
      scanning = false;
      if (rescan) void scan();
    }
  }

  return {
    stats,
    async owe(method, payload) {
      const chat = String(payload.chat_id);
      let owed: OwedCall;
      try {
        owed = await store.addOwedCall({ chat, method, payload, createdAt: now() });
      } catch (err) {
        logger.warn({ err, chat, method }, 'could not write a reply to the outbox; sending it directly');
        return call(method, payload);
      }
      // Another instance sends it (or this one is stopping and the next run will).
      if (!leased || stopping) return undefined;
      return new Promise((resolve, reject) => {
        const entry: Owed = { ...owed };
        const timer = setTimeout(() => settle(entry, {}), options.handOverMs);
        entry.waiter = { resolve, reject, timer, done: false };
        if (options.exclusive) {
          insert(entry);
          handOverIfBehind(entry);
          pump(chat);
        } else {
          // Another instance may have owed this chat a reply just before: the call joins its chat's line
          // through a read of the store, which returns both in order.
          unread.set(entry.id, entry);
          void scan();
        }
      });
    },
    async start() {
      scanner = setInterval(() => void scan(), options.scanIntervalMs);
      scanner.unref();
      await scan();
    },
    async stop(timeoutMs) {
      stopping = true;
      clearInterval(scanner);
      for (const queue of chats.values()) clearTimeout(queue.timer);
      let timer: NodeJS.Timeout | undefined;
      const budget = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, Math.max(0, timeoutMs));
      });
      await Promise.race([Promise.allSettled([...pumps]), budget]);
      clearTimeout(timer);
      // Handlers still waiting go on; their replies stay owed for the next run.
      for (const queue of chats.values()) for (const owed of queue.calls) settle(owed, {});
      for (const owed of unread.values()) settle(owed, {});
      unread.clear();
    },
  };
}
