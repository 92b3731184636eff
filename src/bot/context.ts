import type { i18n as I18nInstance } from 'i18next';
import type { Context } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { Engine } from '../engine/types.js';
import type { Translate } from '../i18n.js';
import type { KnowledgeBase } from '../knowledge/load.js';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../logger.js';
import type { FeedbackStore } from '../store/feedback.js';
import type { PreferenceStore } from '../store/preferences.js';
import type { BotMetrics } from './metrics.js';
import type { FloodOptions } from './middleware/flood.js';
import type { Outbound } from './outbound.js';

/** Everything the bot needs, injected so tests can build a bot with fakes. */
export interface BotDeps {
  token: string;
  /** Bot API base URL (local Bot API server or emulator); api.telegram.org when undefined. */
  apiRoot?: string | undefined;
  /** The bot's identity if already known (tests, or after getMe at startup): saves a getMe call. */
  botInfo?: UserFromGetMe | undefined;
  engine: Engine;
  knowledge: KnowledgeBase;
  store: PreferenceStore;
  /** Where unanswered questions and 👍/👎 votes go for the curators (may share the store's database). */
  feedback: FeedbackStore;
  i18n: I18nInstance;
  logger: Logger;
  /** Reply language when neither the user, the question nor Telegram's language_code tells one. */
  defaultLang: Lang;
  /** Telegram user ids allowed to use /stats (default: nobody). */
  adminIds?: readonly number[] | undefined;
  /** Where every Bot API call goes (default: a queue with Telegram's limits, see outbound.ts). */
  outbound?: Outbound | undefined;
  /** Per-user flood control (default: DEFAULT_FLOOD_OPTIONS). */
  flood?: Partial<FloodOptions> | undefined;
  /** When the bot started, for the uptime in /stats (default: when createBot ran). */
  startedAt?: number | undefined;
  /** Counts answers and times the engine (default: not counted). */
  metrics?: Pick<BotMetrics, 'countAnswer' | 'observeEngine'> | undefined;
  /** The clock (default Date.now); tests move it. */
  now?: (() => number) | undefined;
  /** Longest an update may take before it counts as failed (default HANDLER_TIMEOUT_MS). */
  handlerTimeoutMs?: number | undefined;
}

/** The context every feature sees; the language fields are set by the preferences and locale middleware. */
export interface BotContext extends Context {
  /** The user's explicit choice (/lang, its buttons, a deep link), if any. */
  storedLang: Lang | undefined;
  /** Telegram's language_code reduced to a language we speak, else the default language. */
  fallbackLang: Lang;
  /** The language of this reply, menus and buttons; starts as storedLang ?? fallbackLang. */
  lang: Lang;
  /** Translates UI strings into `lang`. */
  t: Translate;
  /** Switches `lang` and `t` (e.g. to the language the question was asked in). */
  useLang(lang: Lang): void;
}
