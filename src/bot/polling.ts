import { setTimeout as sleep } from 'node:timers/promises';
import { TelegramError } from 'telegraf';
import type { Update } from 'telegraf/types';
import { createRepeatedWarning, type Logger } from '../logger.js';
import type { UpdateJournal } from '../store/updates.js';
import type { Dispatcher } from './dispatcher.js';

/** The update types the bot handles; Telegram does not even send the others. */
export const ALLOWED_UPDATES = ['message', 'callback_query', 'inline_query'] as const;

/** How the bot long-polls; DEFAULT_POLLING_OPTIONS holds the defaults. */
export interface PollingOptions {
  /** How long Telegram may hold a getUpdates call open waiting for updates, in seconds. */
  timeoutSeconds: number;
  /** Updates per getUpdates call (Telegram allows 1-100). */
  limit: number;
  /**
   * Pause before asking again when Telegram sent back only updates still being handled (it does while
   * they are unconfirmed, and they stay unconfirmed until handled).
   */
  redeliveryPauseMs: number;
  /** Wait after the first failed getUpdates; doubles with each further failure up to maxBackoffMs. */
  backoffMs: number;
  maxBackoffMs: number;
  /**
   * How long after timeoutSeconds a getUpdates call still unanswered counts as lost (a connection that
   * died silently would hold it for ever); it is then retried like any network error.
   */
  hungPollMarginMs: number;
  /**
   * A poller that has had updates from Telegram for this long is established: a 409 "terminated by other
   * getUpdates request" then means a newer instance started with the same token, and this one keeps
   * polling (after backoffMs), which makes the newer one meet the 409 and stop. A poller younger than this
   * stops on a 409 itself, so that two instances never both die or both keep answering.
   */
  establishedAfterMs: number;
}

export const DEFAULT_POLLING_OPTIONS: Readonly<PollingOptions> = Object.freeze({
  timeoutSeconds: 30,
  limit: 100,
  redeliveryPauseMs: 200,
  backoffMs: 500,
  maxBackoffMs: 30_000,
  hungPollMarginMs: 15_000,
  establishedAfterMs: 10_000,
});

/** getUpdates as the poller calls it (the Bot API method, with an abort signal). */
export type GetUpdates = (
  params: { offset: number; limit: number; timeout: number; allowed_updates?: readonly string[] },
  signal: AbortSignal,
) => Promise<Update[]>;

/** What the poller did, for the shutdown log and tests. */
export interface PollingSummary {
  /** Updates handled by this run. */
  handled: number;
  /** Updates released or cut short at shutdown (Telegram delivers them again). */
  released: number;
  /** Updates Telegram sent again though already handled (out of order, or before a restart): skipped. */
  skipped: number;
  /** getUpdates failures survived (network, 5xx, 429). */
  failures: number;
}

/** Long polling that confirms to Telegram only the updates handled to the end. */
export interface Poller {
  /** Polls until stop() (resolves) or an error that retrying cannot fix, like a revoked token (rejects). */
  run(): Promise<void>;
  /** Stops asking for updates; a getUpdates call in progress is abandoned. */
  stop(): void;
  /**
   * Tells Telegram which updates are done: every id below the first one not handled (after stop() and
   * the dispatcher's drain); an update still running is left for Telegram to deliver again, and noted in
   * the journal if it ends well after all. Gives up after `timeoutMs`; Telegram then delivers some handled
   * updates again, and the journal lets the next run skip them.
   */
  confirm(timeoutMs: number): Promise<void>;
  readonly summary: Readonly<PollingSummary>;
}

const isFatal = (error: unknown) =>
  // 401: the token was revoked; 409: another instance polls, or a webhook is set; 404: no such bot.
  error instanceof TelegramError && [401, 404, 409].includes(error.code);

/** Another getUpdates (another instance with this token) cut this one short; not a webhook being set. */
const isPollingConflict = (error: unknown) =>
  error instanceof TelegramError && error.code === 409 && !/webhook/i.test(error.description);

/**
 * Builds the poller. Telegram confirms updates by prefix (every id below the offset), so the offset is
 * never moved past an update still being handled; updates handled beyond it are remembered in the journal
 * and recognised when Telegram sends them again. A 5xx, a 429 or a dropped connection is retried with
 * backoff (429: after its retry_after) and polling resumes.
 */
export function createPoller(deps: {
  getUpdates: GetUpdates;
  dispatcher: Dispatcher;
  journal: UpdateJournal;
  logger: Logger;
  options?: Partial<PollingOptions>;
}): Poller {
  const { getUpdates, dispatcher, journal, logger } = deps;
  const options: PollingOptions = { ...DEFAULT_POLLING_OPTIONS, ...deps.options };
  // A full disk or a store gone fails every update the same way: one line a minute, with a count.
  const repeated = createRepeatedWarning(logger);
  const aborter = new AbortController();
  const summary: PollingSummary = { handled: 0, released: 0, skipped: 0, failures: 0 };
  // Ids being handled, released at shutdown, and handled but not yet confirmed to Telegram.
  const inFlight = new Set<number>();
  const released = new Set<number>();
  let handled = new Set<number>();
  // Handled ids Telegram sent again, once told about.
  const skipped = new Set<number>();
  // One past the highest id seen.
  let next = 0;
  // When an update last found the store unreachable (0: never); polling then slows down until it is back.
  let storeDownAt = 0;

  const offset = () => Math.min(next, ...inFlight, ...released);

  /** After a getUpdates with `confirmed` succeeded, Telegram will never send the ids below it again. */
  function forgetBelow(confirmed: number) {
    if (![...handled].some((id) => id < confirmed)) return;
    handled = new Set([...handled].filter((id) => id >= confirmed));
    for (const id of skipped) if (id < confirmed) skipped.delete(id);
    journal.forgetUpdatesBelow(confirmed).catch((err: unknown) => {
      repeated.warn({ err }, 'could not prune the update journal');
    });
  }

  function start(update: Update) {
    const id = update.update_id;
    inFlight.add(id);
    // An update the store was down for comes back with the next getUpdates (the offset stays below it).
    released.delete(id);
    void dispatcher.dispatch(update).then(async (outcome) => {
      inFlight.delete(id);
      if (outcome === 'unavailable') {
        released.add(id);
        storeDownAt = Date.now();
        return;
      }
      if (outcome !== 'handled') {
        released.add(id);
        summary.released += 1;
        return;
      }
      handled.add(id);
      summary.handled += 1;
      await journal.markUpdateHandled(id).catch((err: unknown) => {
        repeated.warn({ err, updateId: id }, 'could not record a handled update');
      });
    });
  }

  async function pause(ms: number) {
    await sleep(ms, undefined, { signal: aborter.signal }).catch(() => {});
  }

  return {
    summary,
    async run() {
      handled = new Set(
        await journal.handledUpdates().catch((err: unknown) => {
          logger.warn({ err }, 'could not read the update journal; updates handled before may repeat');
          return [];
        }),
      );
      let failures = 0;
      let asking = 0;
      // When Telegram first answered this poller (0: not yet).
      let pollingSince = 0;
      while (!aborter.signal.aborted) {
        // The store is down: the updates it failed come back at once, so ask at the backoff pace instead.
        if (storeDownAt > 0 && Date.now() - storeDownAt < options.backoffMs) await pause(options.backoffMs);
        const asked = offset();
        let updates: Update[];
        try {
          asking = Date.now();
          const deadline = AbortSignal.timeout(options.timeoutSeconds * 1000 + options.hungPollMarginMs);
          updates = await getUpdates(
            {
              offset: asked,
              limit: options.limit,
              timeout: options.timeoutSeconds,
              allowed_updates: ALLOWED_UPDATES,
            },
            AbortSignal.any([aborter.signal, deadline]),
          );
        } catch (error) {
          if (aborter.signal.aborted) break;
          const established = pollingSince > 0 && Date.now() - pollingSince >= options.establishedAfterMs;
          if (established && isPollingConflict(error)) {
            summary.failures += 1;
            repeated.warn(
              { err: error, retryInMs: options.backoffMs },
              'another instance polls with this token; this one was here first and keeps polling',
            );
            await pause(options.backoffMs);
            continue;
          }
          if (isFatal(error)) {
            repeated.flush();
            throw error;
          }
          failures += 1;
          summary.failures += 1;
          const retryAfter = error instanceof TelegramError ? error.parameters?.retry_after : undefined;
          const waitMs =
            retryAfter !== undefined
              ? retryAfter * 1000
              : Math.min(options.maxBackoffMs, options.backoffMs * 2 ** (failures - 1));
          logger.warn({ err: error, failures, retryInMs: waitMs }, 'getUpdates failed; retrying');
          await pause(waitMs);
          continue;
        }
        if (pollingSince === 0) pollingSince = Date.now();
        if (failures > 0) logger.info({ failures }, 'polling resumed');
        failures = 0;
        forgetBelow(asked);
        let fresh = 0;
        let pending = 0;
        for (const update of updates) {
          const id = update.update_id;
          next = Math.max(next, id + 1);
          if (inFlight.has(id)) {
            pending += 1;
          } else if (handled.has(id)) {
            if (!skipped.has(id)) {
              skipped.add(id);
              summary.skipped += 1;
              logger.debug(
                { updateId: id },
                'update already handled (before a restart, or out of order); skipped',
              );
            }
          } else if (id >= asked) {
            fresh += 1;
            start(update);
          }
        }
        // Only updates still being handled came back, or nothing at once (a server that does not hold the
        // call open): asking again straight away would spin.
        const quickAndEmpty = updates.length === 0 && Date.now() - asking < options.redeliveryPauseMs;
        if ((fresh === 0 && pending > 0) || quickAndEmpty) await pause(options.redeliveryPauseMs);
      }
      repeated.flush();
    },
    stop() {
      aborter.abort();
    },
    async confirm(timeoutMs) {
      const confirmed = offset();
      try {
        await getUpdates({ offset: confirmed, limit: 1, timeout: 0 }, AbortSignal.timeout(timeoutMs));
        forgetBelow(confirmed);
      } catch (err) {
        logger.warn({ err, offset: confirmed }, 'could not confirm the handled updates to Telegram');
      }
    },
  };
}
