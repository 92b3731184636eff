import { Telegraf } from 'telegraf';
import { handlingUpdate } from './answered.js';
import type { BotContext, BotDeps } from './context.js';
import { createErrorHandler } from './errors.js';
import { askFeature } from './features/ask.js';
import { callbacksFeature } from './features/callbacks.js';
import { helpFeature } from './features/help.js';
import { inlineFeature } from './features/inline.js';
import { languageFeature } from './features/language.js';
import { reloadFeature } from './features/reload.js';
import { reviewFeature } from './features/review.js';
import { startFeature } from './features/start.js';
import { statsFeature } from './features/stats.js';
import { topicsFeature } from './features/topics.js';
import { unhandledFeature } from './features/unhandled.js';
import { votesFeature } from './features/votes.js';
import { floodMiddleware } from './middleware/flood.js';
import { groupFilterMiddleware } from './middleware/group-filter.js';
import { localeMiddleware } from './middleware/locale.js';
import { preferencesMiddleware } from './middleware/preferences.js';
import { createOutbound, QueuedTelegram } from './outbound.js';
import { createSignalRecorder } from './signals.js';

/** Longest a single update may take before it counts as failed (and the user gets an apology). */
export const HANDLER_TIMEOUT_MS = 30_000;

/**
 * Builds the Telegram bot with a fixed middleware order: error boundary (bot.catch) -> preferences ->
 * locale -> group filter -> flood control -> features -> unhandled. Every Bot API call goes through the
 * outbound queue (deps.outbound).
 */
export function createBot(deps: BotDeps): Telegraf<BotContext> {
  const clientOptions = {
    ...(deps.apiRoot ? { apiRoot: deps.apiRoot } : {}),
    // Every call is a real request, so a failure is seen and logged instead of vanishing into the
    // webhook response.
    webhookReply: false,
  };
  const bot = new Telegraf<BotContext>(deps.token, {
    handlerTimeout: deps.handlerTimeoutMs ?? HANDLER_TIMEOUT_MS,
    telegram: clientOptions,
  });
  const telegram = new QueuedTelegram(
    deps.token,
    clientOptions,
    deps.outbound ?? createOutbound(deps.logger),
  );
  bot.telegram = telegram;
  // Telegraf gives each update a client of its own; this one is shared, so the queues see every call.
  Object.assign(bot.context, { telegram });
  if (deps.botInfo) bot.botInfo = deps.botInfo;
  // Replies made while an update is handled are noted as its answer (the error boundary reads it).
  const handleUpdate = bot.handleUpdate.bind(bot);
  bot.handleUpdate = (update, webhookResponse) =>
    handlingUpdate(update, () => handleUpdate(update, webhookResponse));

  // What users asked and did next, for kb:suggest and /review (only when a signal store is given).
  const signals = deps.signals ? createSignalRecorder(deps.signals) : undefined;
  bot.catch(createErrorHandler(deps.i18n, deps.defaultLang, deps.logger));
  bot.use(preferencesMiddleware(deps.store));
  bot.use(localeMiddleware(deps.i18n, deps.defaultLang));
  bot.use(groupFilterMiddleware());
  bot.use(floodMiddleware(deps.logger, deps.flood, deps.now));
  bot.use(
    startFeature(deps),
    helpFeature(deps),
    languageFeature(deps),
    topicsFeature(deps),
    callbacksFeature(deps, signals),
    votesFeature(deps, signals),
    inlineFeature(deps),
    statsFeature(deps),
    reloadFeature(deps),
    reviewFeature(deps),
    askFeature(deps, signals),
  );
  bot.use(unhandledFeature());
  return bot;
}
