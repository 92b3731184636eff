import { Composer } from 'telegraf';
import { countFacts } from '../../knowledge/load.js';
import type { BotContext, BotDeps } from '../context.js';
import { replyText, topicsKeyboard } from '../reply.js';

/** /help (what to ask and the commands) and /about (what the bot knows and where it comes from). */
export function helpFeature({ engine, knowledge }: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const factCount = countFacts(knowledge.entries);
  composer.help((ctx) => replyText(ctx, ctx.t('help.text')));
  composer.command('about', (ctx) =>
    replyText(ctx, ctx.t('about.text', { count: factCount }), topicsKeyboard(engine, ctx.lang)),
  );
  return composer;
}
