import type { i18n as I18nInstance } from 'i18next';
import type { Telegram } from 'telegraf';
import type { Update } from 'telegraf/types';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../logger.js';
import { primaryLang } from './middleware/locale.js';

/** Chats remembered as told during one outage; beyond this the oldest may be told twice. */
const MAX_NOTIFIED_CHATS = 10_000;

/** Tells users, once per chat and outage, that the bot cannot answer while its store is unreachable. */
export interface UnavailableNotices {
  /**
   * Sends the localized "temporarily unavailable" notice for this update, unless its chat was already told
   * during this outage: a message in a private chat, a toast for a button press. Groups and inline
   * queries get nothing (the bot cannot tell, without its store, whether it was addressed). Never rejects.
   */
  notify(update: Update): Promise<void>;
  /** The store answers again: the next outage gets a notice of its own. */
  recovered(): void;
}

interface Sender {
  id?: number;
  language_code?: string;
}

/** Where a notice for this update goes, and in which language it is written (the stored choice is out of reach). */
function recipient(
  update: Update,
): { chatId: number; from: Sender | undefined; queryId?: string } | undefined {
  if ('message' in update && update.message.chat.type === 'private') {
    return { chatId: update.message.chat.id, from: update.message.from };
  }
  if ('callback_query' in update) {
    const query = update.callback_query;
    return { chatId: query.message?.chat.id ?? query.from.id, from: query.from, queryId: query.id };
  }
  return undefined;
}

/** Builds the notices over the bot's Telegram client (its outbound queue applies). */
export function createUnavailableNotices(deps: {
  telegram: Telegram;
  i18n: I18nInstance;
  defaultLang: Lang;
  logger: Logger;
}): UnavailableNotices {
  const { telegram, i18n, defaultLang, logger } = deps;
  const notified = new Set<number>();
  let outage = false;
  return {
    async notify(update) {
      if (!outage) {
        outage = true;
        logger.warn(
          { updateId: update.update_id },
          'store unreachable: updates are left for Telegram to retry',
        );
      }
      const target = recipient(update);
      if (!target || notified.has(target.chatId)) return;
      if (notified.size >= MAX_NOTIFIED_CHATS) notified.clear();
      notified.add(target.chatId);
      const lng = primaryLang(target.from?.language_code) ?? defaultLang;
      const text = i18n.t('errors.unavailable', { lng });
      try {
        if (target.queryId !== undefined) await telegram.answerCbQuery(target.queryId, text);
        else await telegram.sendMessage(target.chatId, text);
      } catch (err) {
        logger.warn({ err, updateId: update.update_id }, 'could not send the "unavailable" notice');
      }
    },
    recovered() {
      if (!outage) return;
      outage = false;
      logger.info({ told: notified.size }, 'store reachable again: answering again');
      notified.clear();
    },
  };
}
