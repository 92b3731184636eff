import type { MiddlewareFn } from 'telegraf';
import type { Logger } from '../../logger.js';
import type { BotContext } from '../context.js';
import { arrivalTime } from '../dispatcher.js';
import { replyText } from '../reply.js';

/** Per-user flood control: a token bucket per user; DEFAULT_FLOOD_OPTIONS holds the defaults. */
export interface FloodOptions {
  /** Messages a user may send in a quick burst before the bot stops reading them. */
  burst: number;
  /** Messages per second the bucket refills with: the pace a user can keep up for ever. */
  perSecond: number;
}

export const DEFAULT_FLOOD_OPTIONS: Readonly<FloodOptions> = Object.freeze({ burst: 12, perSecond: 0.5 });

/** Users tracked before the ones that have calmed down are forgotten. */
const SWEEP_AT = 10_000;

/** What to do with one more message from a user. */
export type FloodVerdict = 'pass' | 'notice' | 'drop';

/**
 * The token buckets. A user over the limit gets one notice, then silence until the bucket has filled up
 * again (they paused long enough), so a flood costs one reply, not dozens.
 */
export function createFloodControl(options: Partial<FloodOptions> = {}) {
  const { burst, perSecond } = { ...DEFAULT_FLOOD_OPTIONS, ...options };
  const buckets = new Map<number, { tokens: number; at: number; warned: boolean }>();
  const refilled = (b: { tokens: number; at: number }, at: number) =>
    Math.min(burst, b.tokens + (Math.max(0, at - b.at) / 1000) * perSecond);

  return {
    /** Counts one message from `userId` received at `at` (ms). */
    check(userId: number, at: number): FloodVerdict {
      if (buckets.size >= SWEEP_AT) {
        for (const [id, b] of buckets) if (refilled(b, at) >= burst) buckets.delete(id);
      }
      const bucket = buckets.get(userId) ?? { tokens: burst, at, warned: false };
      bucket.tokens = refilled(bucket, at);
      bucket.at = Math.max(bucket.at, at);
      buckets.set(userId, bucket);
      if (bucket.tokens >= burst) bucket.warned = false;
      if (bucket.tokens >= 1) {
        bucket.tokens -= 1;
        return 'pass';
      }
      if (bucket.warned) return 'drop';
      bucket.warned = true;
      return 'notice';
    },
    /** Users currently tracked. */
    get size() {
      return buckets.size;
    },
  };
}

/**
 * Reads a user's messages at a human pace: beyond the burst, one polite notice, then nothing until they
 * slow down. Counts messages when they arrived (not when their turn came), and only those addressed to
 * the bot (it runs after the group filter); button presses and inline queries are not limited.
 */
export function floodMiddleware(
  logger: Logger,
  options: Partial<FloodOptions> = {},
  now: () => number = Date.now,
): MiddlewareFn<BotContext> {
  const control = createFloodControl(options);
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    if (!ctx.message || userId === undefined) return next();
    const verdict = control.check(userId, arrivalTime(ctx.update) ?? now());
    if (verdict === 'pass') return next();
    if (verdict === 'notice') {
      logger.info({ updateId: ctx.update.update_id }, 'a user is flooding; told once, the rest is ignored');
      await replyText(ctx, ctx.t('flood.slowDown'));
    }
  };
}
