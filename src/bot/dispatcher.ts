import type { Update } from 'telegraf/types';
import type { Logger } from '../logger.js';
import { StoreUnavailableError } from '../store/errors.js';
import { OutboundAbortedError } from './outbound.js';

/** What became of a dispatched update. */
export type DispatchOutcome =
  /** Handled to the end (answered, or deliberately ignored). */
  | 'handled'
  /** Never started: the bot began stopping before its turn came, so Telegram should deliver it again. */
  | 'released'
  /**
   * Cut short: the shutdown's grace period ended before its reply was sent. Telegram should deliver it
   * again too (what it had already sent, if anything, will be sent twice).
   */
  | 'abandoned'
  /**
   * The shared store could not be reached (StoreUnavailableError): nothing the user would notice was
   * done but, at most, the "temporarily unavailable" notice. Telegram should deliver it again.
   */
  | 'unavailable';

/** Hands updates to the bot: one at a time per chat, in arrival order, different chats in parallel. */
export interface Dispatcher {
  /**
   * Handles an update in its chat's turn. Never rejects: a failing update still counts as handled (it
   * would fail again), except one cut short by the shutdown or one the store was unreachable for.
   */
  dispatch(update: Update): Promise<DispatchOutcome>;
  /** Updates waiting for their turn or being handled. */
  readonly inFlight: number;
  /**
   * Stops: updates not started yet are released at once, running ones get up to `graceMs` to finish.
   * Resolves with how many were still running when the grace period ended.
   */
  drain(graceMs: number): Promise<{ unfinished: number }>;
}

const arrivals = new WeakMap<object, number>();

/** When the dispatcher received this update (ms since the epoch); undefined for updates it never saw. */
export function arrivalTime(update: object): number | undefined {
  return arrivals.get(update);
}

interface UpdatePayload {
  chat?: { id?: number };
  message?: { chat?: { id?: number } };
  from?: { id?: number };
}

/**
 * The turn an update waits for: its chat's (a button press under a message counts in that message's chat),
 * else its user's (inline queries have no chat), else none.
 */
export function sequenceKey(update: Update): string | undefined {
  const payload = Object.entries(update).find(([key]) => key !== 'update_id')?.[1] as
    | UpdatePayload
    | undefined;
  const chatId = payload?.chat?.id ?? payload?.message?.chat?.id;
  if (chatId !== undefined) return `chat:${chatId}`;
  const userId = payload?.from?.id;
  return userId === undefined ? undefined : `user:${userId}`;
}

/** What the dispatcher reports of each update it receives (the metrics). */
export interface DispatchObserver {
  countUpdate(update: Update): void;
}

/** Builds the dispatcher over the bot's update handler (bot.handleUpdate); `observer` hears of each update. */
export function createDispatcher(
  handle: (update: Update) => Promise<unknown>,
  logger: Logger,
  now: () => number = Date.now,
  observer?: DispatchObserver,
): Dispatcher {
  // The last update of each chat, so the next one starts after it.
  const tails = new Map<string, Promise<unknown>>();
  const inFlight = new Set<Promise<DispatchOutcome>>();
  let running = 0;
  let stopping = false;
  let onStop: () => void = () => {};
  const stopped = new Promise<void>((resolve) => {
    onStop = resolve;
  });

  async function run(update: Update, previous: Promise<unknown> | undefined): Promise<DispatchOutcome> {
    if (previous) await Promise.race([previous, stopped]);
    if (stopping) return 'released';
    running += 1;
    try {
      await handle(update);
    } catch (err) {
      // The error boundary lets these through on purpose.
      if (err instanceof OutboundAbortedError) return 'abandoned';
      if (err instanceof StoreUnavailableError) return 'unavailable';
      // The error boundary (bot.catch) should have caught it; handled all the same, so that a poison update
      // is not delivered again and again.
      logger.error({ err, updateId: update.update_id }, 'update failed outside the error boundary');
    } finally {
      running -= 1;
    }
    return 'handled';
  }

  return {
    dispatch(update) {
      arrivals.set(update, now());
      observer?.countUpdate(update);
      if (stopping) return Promise.resolve('released');
      const key = sequenceKey(update);
      const previous = key === undefined ? undefined : tails.get(key);
      const outcome = run(update, previous);
      inFlight.add(outcome);
      if (key !== undefined) {
        tails.set(key, outcome);
        void outcome.then(() => {
          if (tails.get(key) === outcome) tails.delete(key);
        });
      }
      void outcome.then(() => inFlight.delete(outcome));
      return outcome;
    },
    get inFlight() {
      return inFlight.size;
    },
    async drain(graceMs) {
      stopping = true;
      onStop();
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, graceMs);
      });
      await Promise.race([Promise.allSettled([...inFlight]), graceOver]);
      clearTimeout(timer);
      return { unfinished: running };
    },
  };
}
