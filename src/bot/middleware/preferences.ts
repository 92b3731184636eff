import type { MiddlewareFn } from 'telegraf';
import type { PreferenceStore } from '../../store/preferences.js';
import type { BotContext } from '../context.js';

/** Loads the user's stored language choice (keyed by from.id, so it also works in groups and inline). */
export function preferencesMiddleware(store: PreferenceStore): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const userId = ctx.from?.id;
    ctx.storedLang = userId === undefined ? undefined : await store.getLang(userId);
    return next();
  };
}

/**
 * Stores the user's explicit language choice and switches this reply to it. Rejects if the store does:
 * the choice is acknowledged only once it is stored.
 */
export async function rememberLang(
  ctx: BotContext,
  store: PreferenceStore,
  lang: BotContext['lang'],
): Promise<void> {
  const userId = ctx.from?.id;
  if (userId !== undefined) await store.setLang(userId, lang);
  ctx.storedLang = lang;
  ctx.useLang(lang);
}
