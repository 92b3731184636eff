import type { i18n as I18nInstance } from 'i18next';
import type { MiddlewareFn } from 'telegraf';
import { translator } from '../../i18n.js';
import type { Lang } from '../../knowledge/schema.js';
import { primaryLang } from '../../language/choice.js';
import type { BotContext } from '../context.js';

export { primaryLang };

/**
 * Picks the UI language before the message is read: the stored choice, else Telegram's language_code,
 * else the default. Features that read a question may switch to its language with ctx.useLang().
 */
export function localeMiddleware(i18n: I18nInstance, defaultLang: Lang): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    ctx.fallbackLang = primaryLang(ctx.from?.language_code) ?? defaultLang;
    ctx.useLang = (lang) => {
      ctx.lang = lang;
      ctx.t = translator(i18n, lang);
    };
    ctx.useLang(ctx.storedLang ?? ctx.fallbackLang);
    return next();
  };
}
