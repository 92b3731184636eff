import { Composer } from 'telegraf';
import { onCallback } from '../callback-data.js';
import type { BotContext, BotDeps } from '../context.js';
import { optional, withoutVoteButtons } from '../reply.js';
import type { SignalRecorder } from '../signals.js';

/**
 * 👍 / 👎 under answers: counts one vote for the entry, thanks the user with a toast and removes the vote
 * buttons from that message, so one message cannot be voted twice.
 */
export function votesFeature(deps: BotDeps, signals?: SignalRecorder): Composer<BotContext> {
  const { live, feedback, logger } = deps;
  const composer = new Composer<BotContext>();

  composer.use(
    onCallback('vote', async (ctx, action) => {
      const message = ctx.callbackQuery?.message;
      const chatId = message?.chat?.id;
      const key = message && chatId !== undefined ? `${chatId}:${message.message_id}` : undefined;
      // Small talk never carries vote buttons, so a vote for it is forged like one for an unknown entry.
      const entry = live.current().entry(action.id);
      if (!entry || entry.kind === 'chitchat') return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      ctx.useLang(ctx.storedLang ?? action.lang);
      let counted: boolean;
      try {
        // The message's key makes a quick double tap count once, even when the second press reaches
        // another instance before the edit has removed the buttons.
        const vote = { entryId: action.id, vote: action.vote, lang: action.lang, at: Date.now() };
        counted = await feedback.recordVote(vote, key);
      } catch (err) {
        // The buttons stay, so the user may try again.
        logger.error({ err, updateId: ctx.update.update_id }, 'could not record a vote');
        return ctx.answerCbQuery(ctx.t('errors.internal'));
      }
      if (!counted) return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      if (ctx.from) await signals?.vote(ctx.from.id, action.id, action.vote);
      await ctx.answerCbQuery(ctx.t(action.vote === 'up' ? 'feedback.thanksUp' : 'feedback.thanksDown'));
      const markup = message && 'reply_markup' in message ? message.reply_markup : undefined;
      await optional(logger, ctx, 'editMessageReplyMarkup', () =>
        ctx.editMessageReplyMarkup(withoutVoteButtons(markup)),
      );
    }),
  );
  return composer;
}
