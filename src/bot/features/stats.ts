import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../context.js';
import { replyText } from '../reply.js';

const MINUTE_MS = 60_000;

/** Days, hours and minutes of a duration, for the localized uptime line. */
export function uptimeParts(ms: number): { days: number; hours: number; minutes: number } {
  const minutes = Math.max(0, Math.floor(ms / MINUTE_MS));
  return { days: Math.floor(minutes / 1440), hours: Math.floor(minutes / 60) % 24, minutes: minutes % 60 };
}

/**
 * /stats for the admins (ADMIN_IDS), in a private chat: questions answered and not, votes, uptime. For
 * anyone else, and in groups, it is not a command at all: the update goes on and gets the reply any
 * unknown command gets, so the command's existence is not given away.
 */
export function statsFeature({
  feedback,
  adminIds = [],
  startedAt,
  now = Date.now,
}: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const admins = new Set(adminIds);
  const since = startedAt ?? now();
  composer.command('stats', async (ctx, next) => {
    if (ctx.chat.type !== 'private' || !admins.has(ctx.from.id)) return next();
    const { answered, unanswered } = await feedback.replyCounts();
    let up = 0;
    let down = 0;
    for (const tally of await feedback.votes()) {
      up += tally.up;
      down += tally.down;
    }
    const uptime = ctx.t('stats.uptime', uptimeParts(now() - since));
    return replyText(ctx, ctx.t('stats.text', { answered, unanswered, up, down, uptime }));
  });
  return composer;
}
