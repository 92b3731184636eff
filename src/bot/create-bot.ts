import { Telegraf } from 'telegraf';
import type { BotContext, BotDeps } from './context.js';
import { createErrorHandler } from './errors.js';
import { askFeature } from './features/ask.js';
import { callbacksFeature } from './features/callbacks.js';
import { helpFeature } from './features/help.js';
import { inlineFeature } from './features/inline.js';
import { languageFeature } from './features/language.js';
import { startFeature } from './features/start.js';
import { topicsFeature } from './features/topics.js';
import { unhandledFeature } from './features/unhandled.js';
import { votesFeature } from './features/votes.js';
import { groupFilterMiddleware } from './middleware/group-filter.js';
import { localeMiddleware } from './middleware/locale.js';
import { preferencesMiddleware } from './middleware/preferences.js';

/** Longest a single update may take before it counts as failed (and the user gets an apology). */
export const HANDLER_TIMEOUT_MS = 30_000;

/**
 * Builds the Telegram bot with a fixed middleware order:
 * error boundary (bot.catch) -> preferences -> locale -> group filter -> features -> unhandled.
 */
export function createBot(deps: BotDeps): Telegraf<BotContext> {
  const bot = new Telegraf<BotContext>(deps.token, {
    handlerTimeout: HANDLER_TIMEOUT_MS,
    telegram: {
      ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}),
      // Every call is a real request, so a failure is seen and logged instead of vanishing into the
      // webhook response.
      webhookReply: false,
    },
  });
  if (deps.botInfo) bot.botInfo = deps.botInfo;

  bot.catch(createErrorHandler(deps.i18n, deps.defaultLang, deps.logger));
  bot.use(preferencesMiddleware(deps.store));
  bot.use(localeMiddleware(deps.i18n, deps.defaultLang));
  bot.use(groupFilterMiddleware());
  bot.use(
    startFeature(deps),
    helpFeature(deps),
    languageFeature(deps),
    topicsFeature(deps),
    callbacksFeature(deps),
    votesFeature(deps),
    inlineFeature(deps),
    askFeature(deps),
  );
  bot.use(unhandledFeature());
  return bot;
}
