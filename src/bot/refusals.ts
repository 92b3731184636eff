import type { Logger } from '../logger.js';
import type { RefusalReason } from './metrics.js';

/** How often, at most, refused webhook requests are logged after the first one. */
export const DEFAULT_REFUSAL_LOG_INTERVAL_MS = 60_000;

/** Logs refused webhook requests without flooding the log: one line, then one summary per interval. */
export interface RefusalLog {
  /** Notes one refused request. */
  refused(reason: RefusalReason, remote: string | undefined): void;
  /** Logs the summary of what was refused since the last line, if anything (at shutdown). */
  flush(): void;
}

/**
 * Builds the refusal log. The first refusal after a quiet interval is logged at once (an operator sees a
 * misconfigured secret straight away); the ones after it within `intervalMs` are counted, by reason, and
 * logged as one line when the interval ends. A flood of forged requests thus costs two lines a minute.
 */
export function createRefusalLog(
  logger: Logger,
  intervalMs: number = DEFAULT_REFUSAL_LOG_INTERVAL_MS,
): RefusalLog {
  let timer: NodeJS.Timeout | undefined;
  let count = 0;
  let reasons: Partial<Record<RefusalReason, number>> = {};
  let lastRemote: string | undefined;

  const flush = () => {
    if (count === 0) return;
    logger.warn({ count, reasons, lastRemote, intervalMs }, 'webhook requests refused since the last report');
    count = 0;
    reasons = {};
  };
  const tick = () => {
    const quiet = count === 0;
    flush();
    // A quiet interval ends the window: the next refusal is logged at once again.
    timer = quiet ? undefined : setTimeout(tick, intervalMs).unref();
  };

  return {
    refused(reason, remote) {
      if (timer === undefined) {
        logger.warn({ reason, remote }, 'webhook request refused');
        timer = setTimeout(tick, intervalMs).unref();
        return;
      }
      count += 1;
      reasons[reason] = (reasons[reason] ?? 0) + 1;
      lastRemote = remote;
    },
    flush() {
      clearTimeout(timer);
      timer = undefined;
      flush();
    },
  };
}
