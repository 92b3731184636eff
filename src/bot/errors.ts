import type { i18n as I18nInstance } from 'i18next';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../logger.js';
import { StoreUnavailableError } from '../store/errors.js';
import { wasAnswered } from './answered.js';
import type { BotContext } from './context.js';
import { escapeHtml } from './html.js';
import { primaryLang } from './middleware/locale.js';
import { isChatUnavailable, OutboundAbortedError } from './outbound.js';

/**
 * The bot's error boundary (installed with bot.catch): logs the error with the update id and tells the
 * user, in their language, that something went wrong. Throws only an OutboundAbortedError (a reply cut
 * short by the shutdown) and a StoreUnavailableError (the shared store is down: the update is to be
 * retried, and the user told once, see unavailable.ts), for the dispatcher to see; telegraf's default
 * handler would throw everything.
 */
export function createErrorHandler(i18n: I18nInstance, defaultLang: Lang, logger: Logger) {
  return async (err: unknown, ctx: BotContext): Promise<void> => {
    const updateId = ctx.update.update_id;
    // Nobody to apologise to: the user blocked the bot (already logged by the outbound queue).
    if (isChatUnavailable(err)) {
      logger.info({ updateId, reason: (err as Error).message }, 'update dropped: its reply cannot be sent');
      return;
    }
    // The shutdown's grace period is over: no apology either; the dispatcher leaves the update for
    // Telegram to deliver again, to the next run.
    if (err instanceof OutboundAbortedError || err instanceof StoreUnavailableError) throw err;
    logger.error({ err, updateId, updateType: ctx.updateType }, 'error while handling an update');
    // The answer is sent or on its way (the error came after it, e.g. the handler's time limit): an
    // apology now would contradict it.
    if (wasAnswered(ctx.update)) {
      logger.info({ updateId }, 'no apology: the update was already answered');
      return;
    }
    // The locale middleware may not have run (the error may come from before it).
    const lang = ctx.lang ?? ctx.storedLang ?? primaryLang(ctx.from?.language_code) ?? defaultLang;
    const apology = i18n.t('errors.internal', { lng: lang });
    try {
      if (ctx.callbackQuery) {
        await ctx.answerCbQuery(apology);
      } else if (ctx.chat && ctx.message) {
        await ctx.reply(escapeHtml(apology), { parse_mode: 'HTML' });
      }
    } catch (replyError) {
      logger.warn({ err: replyError, updateId }, 'could not send the apology');
    }
  };
}
