import { Composer } from 'telegraf';
import { onCallback } from '../callback-data.js';
import type { BotContext, BotDeps } from '../context.js';
import { optional, withoutVoteButtons } from '../reply.js';

/** How many voted messages are remembered to refuse a second vote while the buttons are being removed. */
export const VOTED_MESSAGES_REMEMBERED = 10_000;

/** A set that forgets its oldest members beyond `limit` (kept in memory only, never stored). */
function recentSet(limit: number) {
  const keys = new Set<string>();
  return {
    has: (key: string) => keys.has(key),
    add(key: string) {
      keys.add(key);
      if (keys.size > limit) keys.delete(keys.values().next().value as string);
    },
  };
}

/**
 * 👍 / 👎 under answers: counts one vote for the entry, thanks the user with a toast and removes the vote
 * buttons from that message, so one message cannot be voted twice.
 */
export function votesFeature({ engine, feedback, logger }: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  // Covers a quick double tap: the second press arrives before the edit has removed the buttons.
  const voted = recentSet(VOTED_MESSAGES_REMEMBERED);

  composer.use(
    onCallback('vote', async (ctx, action) => {
      const message = ctx.callbackQuery?.message;
      const chatId = message?.chat?.id;
      const key = message && chatId !== undefined ? `${chatId}:${message.message_id}` : undefined;
      // Small talk never carries vote buttons, so a vote for it is forged like one for an unknown entry.
      const entry = engine.entry(action.id);
      if (!entry || entry.kind === 'chitchat' || (key !== undefined && voted.has(key))) {
        return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      }
      ctx.useLang(ctx.storedLang ?? action.lang);
      try {
        feedback.recordVote({ entryId: action.id, vote: action.vote, lang: action.lang, at: Date.now() });
      } catch (err) {
        // The buttons stay, so the user may try again.
        logger.error({ err, updateId: ctx.update.update_id }, 'could not record a vote');
        return ctx.answerCbQuery(ctx.t('errors.internal'));
      }
      if (key !== undefined) voted.add(key);
      await ctx.answerCbQuery(ctx.t(action.vote === 'up' ? 'feedback.thanksUp' : 'feedback.thanksDown'));
      const markup = message && 'reply_markup' in message ? message.reply_markup : undefined;
      await optional(logger, ctx, 'editMessageReplyMarkup', () =>
        ctx.editMessageReplyMarkup(withoutVoteButtons(markup)),
      );
    }),
  );
  return composer;
}
