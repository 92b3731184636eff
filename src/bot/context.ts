import type { i18n as I18nInstance } from 'i18next';
import type { Context } from 'telegraf';
import type { UserFromGetMe } from 'telegraf/types';
import type { Translate } from '../i18n.js';
import type { LiveEngine, ReloadOutcome } from '../knowledge/live.js';
import type { Lang } from '../knowledge/schema.js';
import type { Logger } from '../logger.js';
import type { FeedbackStore } from '../store/feedback.js';
import type { PreferenceStore } from '../store/preferences.js';
import type { BotMetrics } from './metrics.js';
import type { FloodOptions } from './middleware/flood.js';
import type { Outbound } from './outbound.js';
import type { SignalRecorderOptions } from './signals.js';

/** Everything the bot needs, injected so tests can build a bot with fakes. */
export interface BotDeps {
  token: string;
  /** Bot API base URL (local Bot API server or emulator); api.telegram.org when undefined. */
  apiRoot?: string | undefined;
  /** The bot's identity if already known (tests, or after getMe at startup): saves a getMe call. */
  botInfo?: UserFromGetMe | undefined;
  /** The answer engine; each update takes live.current() once, so a reload never splits an update. */
  live: LiveEngine;
  /** The knowledge folder the engine is built from (default: the shipped knowledge/), for /review's checks. */
  knowledgeDir?: string | undefined;
  /** Where traffic signals and curators' decisions go (kb:suggest, /review); default: not recorded. */
  signals?: SignalRecorderOptions | undefined;
  store: PreferenceStore;
  /** Where unanswered questions and 👍/👎 votes go for the curators (may share the store's database). */
  feedback: FeedbackStore;
  i18n: I18nInstance;
  logger: Logger;
  /** Reply language when neither the user, the question nor Telegram's language_code tells one. */
  defaultLang: Lang;
  /** Telegram user ids allowed to use /stats, /reload and /review (default: nobody). */
  adminIds?: readonly number[] | undefined;
  /**
   * What /reload does (default: live.reload); with several instances it also tells the others to reload.
   */
  reload?: ((reason: string) => Promise<ReloadOutcome>) | undefined;
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
