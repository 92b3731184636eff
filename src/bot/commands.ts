import type { i18n as I18nInstance } from 'i18next';
import type { Telegram } from 'telegraf';
import type { BotCommand } from 'telegraf/types';
import { LANGS, type Lang } from '../knowledge/schema.js';
import type { Logger } from '../logger.js';

/** The commands shown in Telegram's menu, in menu order; descriptions come from locales (commands.*). */
export const BOT_COMMANDS = ['start', 'help', 'lang', 'topics', 'agreements', 'speakers', 'about'] as const;

/** The menu in one language. */
export function commandList(i18n: I18nInstance, lang: Lang): BotCommand[] {
  return BOT_COMMANDS.map((command) => ({
    command,
    description: i18n.t(`commands.${command}`, { lng: lang }),
  }));
}

/**
 * Registers the localized menu: one list per language_code (zh, ru, en) and a default list in the
 * default language for everyone else. Optional: a failure is logged and the bot runs on.
 */
export async function registerCommands(
  telegram: Pick<Telegram, 'setMyCommands'>,
  i18n: I18nInstance,
  defaultLang: Lang,
  logger: Logger,
): Promise<void> {
  const calls = [
    ...LANGS.map((lang) => ({ lang, languageCode: lang as Lang | undefined })),
    { lang: defaultLang, languageCode: undefined },
  ];
  const results = await Promise.allSettled(
    calls.map(({ lang, languageCode }) =>
      telegram.setMyCommands(commandList(i18n, lang), languageCode ? { language_code: languageCode } : {}),
    ),
  );
  results.forEach((result, i) => {
    if (result.status === 'rejected') {
      const languageCode = calls[i]?.languageCode ?? 'default';
      logger.warn(
        { err: result.reason, languageCode },
        'setMyCommands failed; the command menu may not be localized',
      );
    }
  });
}
