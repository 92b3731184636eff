import { Composer } from 'telegraf';
import type { BotContext } from '../context.js';
import { replyText } from '../reply.js';

/** The last feature: stale or forged buttons get a polite toast, non-text messages a short hint. */
export function unhandledFeature(): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('callback_query', (ctx) => ctx.answerCbQuery(ctx.t('bot.staleButton')));
  composer.on('message', async (ctx) => {
    // Service messages (members joining, pins...) are not addressed to the bot.
    if (!CONTENT_KINDS.some((kind) => kind in ctx.message)) return;
    await replyText(ctx, ctx.t('bot.nonText'));
  });
  return composer;
}

/** Message contents a user sends on purpose, which the bot cannot read. */
const CONTENT_KINDS = [
  'sticker',
  'photo',
  'voice',
  'video',
  'video_note',
  'audio',
  'document',
  'animation',
  'location',
  'venue',
  'contact',
  'poll',
  'dice',
  'story',
] as const;
