import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { DestinationStream } from 'pino';
import type { InlineKeyboardMarkup } from 'telegraf/types';
import { htmlToPlain } from '../bot/html.js';
import { runBot } from '../bot/run.js';
import { createConfig } from '../config.js';
import { createLogger } from '../logger.js';
import { type BotAction, createDevBotApi, type DevUser } from './bot-api.js';

/** A token of the right shape that no Telegram server knows: the bot only ever talks to the emulator. */
export const DEV_TOKEN = '1234567890:local-emulator-token';

/** Options of runDevTelegram; DEFAULT_DEV_CHAT_OPTIONS holds the defaults. */
export interface DevChatOptions {
  /** The user the terminal speaks as (a private chat with the bot). */
  user: DevUser;
  /** How long the chat waits for the bot to finish answering one message, in ms. */
  replyTimeoutMs: number;
  /** The bot's DEFAULT_LANG (undefined: the bot's own default). */
  defaultLang: string | undefined;
}

export const DEFAULT_DEV_CHAT_OPTIONS: Readonly<DevChatOptions> = Object.freeze({
  user: { id: 4242, firstName: 'You' },
  replyTimeoutMs: 30_000,
  defaultLang: undefined,
});

/** Streams the chat reads and writes; the bot's warnings go to `errors`. */
export interface DevChatIO {
  input: NodeJS.ReadableStream & { isTTY?: boolean };
  output: NodeJS.WritableStream;
  errors: NodeJS.WritableStream;
}

const INDENT = '     ';
/** A line that presses a button: its label in square brackets, as the chat shows it. */
const BUTTON = /^\[(.+)\]$/;

/** A bot action as lines for the terminal: "bot: " and the text, then its buttons, one row a line. */
export function formatAction(action: BotAction): string {
  const indent = (text: string) => text.split('\n').join(`\n${INDENT}`);
  const buttons = (keyboard: InlineKeyboardMarkup | undefined) =>
    (keyboard?.inline_keyboard ?? []).map((row) => `${INDENT}${row.map((b) => `[${b.text}]`).join(' ')}`);
  switch (action.kind) {
    case 'message':
    case 'edit': {
      const head = action.kind === 'edit' ? 'bot (edited its message): ' : 'bot: ';
      return [`${head}${indent(htmlToPlain(action.html))}`, ...buttons(action.keyboard)].join('\n');
    }
    case 'venue':
      return `bot: 📍 ${action.title}, ${action.address} (${action.latitude}, ${action.longitude})`;
    case 'toast':
      return `bot (notification): ${action.text}`;
  }
}

/** One pino line as "bot log [warn]: message", so the bot's rare warnings read as text among the chat. */
function logDestination(errors: NodeJS.WritableStream): DestinationStream {
  const levels: Record<number, string> = {
    10: 'trace',
    20: 'debug',
    30: 'info',
    40: 'warn',
    50: 'error',
    60: 'fatal',
  };
  return {
    write(line: string) {
      try {
        const entry = JSON.parse(line) as { level?: number; msg?: string; method?: string };
        const where = entry.method ? ` (${entry.method})` : '';
        errors.write(`bot log [${levels[entry.level ?? 30] ?? 'info'}]: ${entry.msg ?? ''}${where}\n`);
      } catch {
        errors.write(line);
      }
    },
  };
}

const usage = (apiRoot: string) =>
  [
    `The forum bot is running against a local Telegram Bot API emulator at ${apiRoot}`,
    '(no network, no token: nothing leaves this machine). You are a Telegram user in a private chat with it.',
    'Type a message and press Enter: "/start", "/help", "/lang ru", "/topics" or any question,',
    'e.g. "when was the forum?". Replies show the text, then the buttons under it as [labels]:',
    'type a label in its brackets, e.g. "[Speakers]", to press that button.',
    'Ctrl-D or /quit stops the bot and the emulator.',
    '',
  ].join('\n');

/**
 * `npm run dev:telegram`: starts the Bot API emulator and the real bot (long polling, a throw-away DATA_DIR)
 * against it, then sends each line typed as a message from a Telegram user and prints what the bot sends
 * back. Resolves with the exit code once both are stopped (end of input, /quit, or SIGINT/SIGTERM).
 */
export async function runDevTelegram(
  io: DevChatIO,
  overrides: Partial<DevChatOptions> = {},
): Promise<number> {
  const options = { ...DEFAULT_DEV_CHAT_OPTIONS, ...overrides };
  const { input, output, errors } = io;
  const print = (text: string) => output.write(`${text}\n`);
  /** The buttons shown so far, by label: typing "[label]" presses the latest one with that label. */
  const buttons = new Map<string, { messageId: number; data: string }>();
  const api = await createDevBotApi((action) => {
    // Only this user's chat (and toasts, which answer this user's presses) is shown.
    if ('chatId' in action && action.chatId !== String(options.user.id)) return;
    print(formatAction(action));
    if (action.kind === 'message' || action.kind === 'edit') {
      for (const button of action.keyboard?.inline_keyboard.flat() ?? []) {
        if ('callback_data' in button) {
          buttons.set(button.text, { messageId: action.messageId, data: button.callback_data });
        }
      }
    }
  });
  const dataDir = mkdtempSync(join(tmpdir(), 'forum-bot-dev-'));
  const stop = new AbortController();
  let exitCode = 0;
  let bot: Promise<void> | undefined;
  const onSignal = () => stop.abort();
  try {
    const config = createConfig({
      BOT_TOKEN: DEV_TOKEN,
      TELEGRAM_API_ROOT: api.apiRoot,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      DEFAULT_LANG: options.defaultLang,
    });
    const logger = createLogger({ level: 'warn', secrets: [DEV_TOKEN], destination: logDestination(errors) });
    bot = runBot(config, { logger, signals: [], signal: stop.signal }).catch((error: unknown) => {
      errors.write(`The bot stopped: ${error instanceof Error ? error.message : String(error)}\n`);
      exitCode = 1;
      stop.abort();
    });
    process.once('SIGINT', onSignal);
    process.once('SIGTERM', onSignal);
    print(usage(api.apiRoot));

    const lines = createInterface({
      input,
      output,
      terminal: Boolean(input.isTTY),
      crlfDelay: Number.POSITIVE_INFINITY,
    });
    lines.setPrompt('you> ');
    // Ctrl-C at the prompt stops everything like Ctrl-D does.
    lines.on('SIGINT', () => stop.abort());
    stop.signal.addEventListener('abort', () => lines.close(), { once: true });
    const prompt = () => {
      if (input.isTTY) lines.prompt();
    };
    prompt();
    for await (const raw of lines) {
      const text = raw.trim();
      if (stop.signal.aborted || text === '/quit' || text === '/exit') break;
      if (!text) {
        prompt();
        continue;
      }
      // Piped input is not echoed by a terminal: show it, so the transcript reads as a chat.
      if (!input.isTTY) print(`you> ${text}`);
      const label = BUTTON.exec(text)?.[1];
      const button = label === undefined ? undefined : buttons.get(label);
      if (label !== undefined && !button) {
        print(`(no button [${label}] in the chat so far)\n`);
        prompt();
        continue;
      }
      const updateId = button
        ? await api.press(DEV_TOKEN, options.user, button.messageId, button.data)
        : await api.sendText(DEV_TOKEN, options.user, text);
      if (!(await api.waitHandled(updateId, options.replyTimeoutMs, stop.signal)) && !stop.signal.aborted) {
        print(`(no answer within ${options.replyTimeoutMs / 1000} s; the bot may still be busy)`);
      }
      print('');
      prompt();
    }
    // Ctrl-D leaves the cursor after the prompt.
    if (input.isTTY) print('');
    lines.close();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    // The bot stops first: its last getUpdates tells the emulator what it handled.
    stop.abort();
    await bot;
    await api.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
  print('Stopped the bot and the emulator.');
  return exitCode;
}
