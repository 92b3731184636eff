import { type Telegraf, Telegram, TelegramError } from 'telegraf';
import type { InlineKeyboardMarkup, Update, UserFromGetMe } from 'telegraf/types';
import type { BotContext, BotDeps } from '../../src/bot/context.js';
import { createBot } from '../../src/bot/create-bot.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine, Lang } from '../../src/engine/types.js';
import { createI18n } from '../../src/i18n.js';
import { fixedLiveEngine, type LiveEngine } from '../../src/knowledge/live.js';
import { type KnowledgeBase, loadKnowledge } from '../../src/knowledge/load.js';
import { createMemoryFeedbackStore, type FeedbackStore } from '../../src/store/feedback.js';
import { createMemoryPreferenceStore, type PreferenceStore } from '../../src/store/preferences.js';
import { capturedLogger } from '../support/logger.js';
import { visibleText } from '../support/telegram.js';

export const BOT_INFO: UserFromGetMe = {
  id: 777000111,
  is_bot: true,
  first_name: 'Forum Bot',
  username: 'ForumFaqBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
};

let shared: { knowledge: KnowledgeBase; engine: Engine } | undefined;
/** The shipped knowledge base and engine, built once per test file. */
export function realEngine(): { knowledge: KnowledgeBase; engine: Engine } {
  shared ??= (() => {
    const knowledge = loadKnowledge();
    return { knowledge, engine: createEngine(knowledge) };
  })();
  return shared;
}

export const i18n = createI18n();
/** A UI string as the bot would show it. */
export const tr = (lang: Lang, key: string, options: Record<string, unknown> = {}) =>
  i18n.t(key, { lng: lang, ...options });

/** One Bot API call the bot made. */
export interface ApiCall {
  method: string;
  payload: Record<string, unknown>;
}

/** A message the user sees: its HTML, the visible text and the inline buttons. */
export interface SeenMessage {
  chatId: unknown;
  html: string;
  text: string;
  buttons: Array<{ text: string; data: string }>;
  payload: Record<string, unknown>;
}

export { visibleText };

/**
 * Checks HTML the way Telegram's parser would reject it: only supported tags, properly nested and
 * closed, and every "&" starting a known entity. Returns the first problem, or null.
 */
export function telegramHtmlProblem(html: string): string | null {
  const allowed = new Set([
    'b',
    'strong',
    'i',
    'em',
    'u',
    'ins',
    's',
    'strike',
    'del',
    'code',
    'pre',
    'a',
    'blockquote',
    'tg-spoiler',
    'span',
  ]);
  const stack: string[] = [];
  for (const m of html.matchAll(/<(\/?)([^\s>/]*)[^>]*>|<|&(?!(?:lt|gt|amp|quot|#\d+);)/g)) {
    if (m[0] === '<') return `stray "<" at ${m.index}`;
    if (m[0] === '&') return `stray "&" at ${m.index}`;
    const name = (m[2] ?? '').toLowerCase();
    if (!allowed.has(name)) return `unsupported tag <${m[1]}${name}>`;
    if (m[1] === '/') {
      if (stack.pop() !== name) return `unbalanced </${name}>`;
    } else stack.push(name);
  }
  return stack.length > 0 ? `unclosed <${stack.join('>, <')}>` : null;
}

function buttonsOf(markup: unknown): Array<{ text: string; data: string }> {
  const rows = (markup as InlineKeyboardMarkup | undefined)?.inline_keyboard ?? [];
  return rows.flat().map((b) => ({ text: b.text, data: 'callback_data' in b ? b.callback_data : '' }));
}

/** Options of createHarness. */
export interface HarnessOptions {
  engine?: Engine;
  /** The engine the bot asks, replaceable while it runs (default: always `engine`). */
  live?: LiveEngine;
  store?: PreferenceStore;
  feedback?: FeedbackStore;
  defaultLang?: Lang;
  /** Bot API methods that fail (as Telegram would with a 400). */
  failing?: string[];
  /** How long the fake Telegram takes to answer each method (default: no time at all). */
  latencyMs?: (method: string) => number;
  /** Any other dependency of createBot (admin ids, clock, flood limits...). */
  deps?: Partial<BotDeps>;
}

/**
 * A bot built with createBot and a fake Telegram: every Bot API call is recorded and answered
 * in-process. Updates are real Update objects fed through bot.handleUpdate with botInfo preset.
 */
export function createHarness(options: HarnessOptions = {}) {
  const real = realEngine();
  const live = options.live ?? fixedLiveEngine(options.engine ?? real.engine);
  const store = options.store ?? createMemoryPreferenceStore();
  const feedback = options.feedback ?? createMemoryFeedbackStore();
  const failing = new Set(options.failing ?? []);
  const calls: ApiCall[] = [];
  const { logger, lines: logs } = capturedLogger();
  let messageId = 1000;

  const bot: Telegraf<BotContext> = createBot({
    token: '123456:TEST-token',
    botInfo: BOT_INFO,
    live,
    store,
    feedback,
    i18n,
    logger,
    defaultLang: options.defaultLang ?? 'en',
    ...options.deps,
  });

  class FakeTelegram extends Telegram {
    override async callApi(method: string, payload: unknown): Promise<never> {
      const body = { ...(payload as Record<string, unknown>) };
      calls.push({ method, payload: body });
      const latency = options.latencyMs?.(method) ?? 0;
      if (latency > 0) await new Promise((resolve) => setTimeout(resolve, latency));
      if (failing.has(method)) {
        throw new TelegramError({ error_code: 400, description: `Bad Request: ${method} failed` });
      }
      const message = { message_id: ++messageId, date: 0, chat: { id: body.chat_id, type: 'private' } };
      const results: Record<string, unknown> = {
        sendMessage: { ...message, text: body.text },
        sendVenue: message,
        editMessageText: { ...message, text: body.text },
      };
      return (results[method] ?? true) as never;
    }
  }
  // Telegraf builds a Telegram client per update from its options; the context's `telegram` is
  // overridden here so every call of every update goes to the fake.
  Object.assign(bot.context, { telegram: new FakeTelegram('123456:TEST-token') });

  let updateId = 1;
  const handle = async (update: Omit<Update, 'update_id'>) => {
    await bot.handleUpdate({ update_id: updateId++, ...update } as Update);
  };

  return {
    bot,
    store,
    feedback,
    calls,
    logs,
    handle,
    /** Bot API calls of one method. */
    callsOf: (method: string) => calls.filter((c) => c.method === method),
    /** Messages the user sees (sendMessage and edits), in order. */
    seen(): SeenMessage[] {
      return calls
        .filter((c) => c.method === 'sendMessage' || c.method === 'editMessageText')
        .map((c) => {
          const html = String(c.payload.text ?? '');
          return {
            chatId: c.payload.chat_id,
            html,
            text: visibleText(html),
            buttons: buttonsOf(c.payload.reply_markup),
            payload: c.payload,
          };
        });
    },
    /** Toasts shown for button presses. */
    toasts: () => calls.filter((c) => c.method === 'answerCallbackQuery').map((c) => c.payload.text),
    clear: () => {
      calls.length = 0;
    },
  };
}

export type Harness = ReturnType<typeof createHarness>;

/** A Telegram user. */
export interface TestUser {
  id: number;
  language_code?: string;
}

let messageCounter = 1;

/** A text message update (commands get their bot_command entity, as Telegram sends them). */
export function textMessage(
  text: string,
  user: TestUser,
  chat: { id: number; type: 'private' | 'group' | 'supergroup' } = { id: user.id, type: 'private' },
  extra: Record<string, unknown> = {},
): Omit<Update, 'update_id'> {
  const command = /^\/\S+/.exec(text);
  const mentions = [...text.matchAll(/@\w+/g)].map((m) => ({
    type: 'mention' as const,
    offset: m.index,
    length: m[0].length,
  }));
  const entities = [
    ...(command ? [{ type: 'bot_command' as const, offset: 0, length: command[0].length }] : []),
    ...mentions,
  ];
  return {
    message: {
      message_id: messageCounter++,
      date: Math.floor(Date.now() / 1000),
      from: { is_bot: false, first_name: 'Test', ...user },
      chat:
        chat.type === 'private'
          ? { id: chat.id, type: 'private', first_name: 'Test' }
          : { id: chat.id, type: chat.type, title: 'Readers' },
      text,
      ...(entities.length > 0 ? { entities } : {}),
      ...extra,
    },
  } as Omit<Update, 'update_id'>;
}

/** A non-text message (sticker, photo...). */
export function mediaMessage(kind: 'sticker' | 'photo' | 'voice', user: TestUser): Omit<Update, 'update_id'> {
  const content = {
    sticker: {
      sticker: {
        file_id: 'x',
        file_unique_id: 'x',
        type: 'regular',
        width: 1,
        height: 1,
        is_animated: false,
        is_video: false,
      },
    },
    photo: { photo: [{ file_id: 'p', file_unique_id: 'p', width: 1, height: 1 }] },
    voice: { voice: { file_id: 'v', file_unique_id: 'v', duration: 1 } },
  }[kind];
  return {
    message: {
      message_id: messageCounter++,
      date: 0,
      from: { is_bot: false, first_name: 'Test', ...user },
      chat: { id: user.id, type: 'private', first_name: 'Test' },
      ...content,
    },
  } as Omit<Update, 'update_id'>;
}

/** A button press under one of the bot's messages (carrying that message's keyboard, as Telegram does). */
export function buttonPress(
  data: string,
  user: TestUser,
  replyMarkup?: InlineKeyboardMarkup,
): Omit<Update, 'update_id'> {
  return {
    callback_query: {
      id: String(messageCounter++),
      from: { is_bot: false, first_name: 'Test', ...user },
      chat_instance: '1',
      data,
      message: {
        message_id: 5,
        date: 0,
        chat: { id: user.id, type: 'private', first_name: 'Test' },
        from: { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name },
        text: 'menu',
        ...(replyMarkup ? { reply_markup: replyMarkup } : {}),
      },
    },
  } as Omit<Update, 'update_id'>;
}

/** An inline query ("@bot question" typed in any chat). */
export function inlineQuery(query: string, user: TestUser): Omit<Update, 'update_id'> {
  return {
    inline_query: {
      id: String(messageCounter++),
      from: { is_bot: false, first_name: 'Test', ...user },
      query,
      offset: '',
    },
  } as Omit<Update, 'update_id'>;
}
