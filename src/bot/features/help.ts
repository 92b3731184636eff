import { Composer } from 'telegraf';
import type { BotContext, BotDeps } from '../context.js';
import { replyText, topicsKeyboard } from '../reply.js';

/** /help (what to ask and the commands) and /about (what the bot knows and where it comes from). */
export function helpFeature({ live }: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.help((ctx) => replyText(ctx, ctx.t('help.text')));
  composer.command('about', (ctx) => {
    const engine = live.current();
    const count = engine.knowledge.facts;
    return replyText(ctx, ctx.t('about.text', { count }), topicsKeyboard(engine, ctx.lang));
  });
  return composer;
}
