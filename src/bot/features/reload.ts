import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../context.js';
import { replyText } from '../reply.js';

/**
 * /reload for the admins (ADMIN_IDS), in a private chat: reads the knowledge files again and says the new
 * version and entry count, or the loader's message (the old knowledge base then keeps answering). For
 * anyone else, and in groups, it is an unknown command like any other, as /stats is.
 */
export function reloadFeature({ live, reload, adminIds = [] }: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const admins = new Set(adminIds);
  composer.command('reload', async (ctx, next) => {
    if (ctx.chat.type !== 'private' || !admins.has(ctx.from.id)) return next();
    const reason = `/reload by ${ctx.from.id}`;
    const outcome = await (reload ? reload(reason) : live.reload(reason));
    return replyText(
      ctx,
      outcome.ok
        ? ctx.t('reload.done', { version: outcome.version, count: outcome.entries })
        : ctx.t('reload.failed', { error: outcome.error }),
    );
  });
  return composer;
}
