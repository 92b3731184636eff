import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import type { InlineKeyboardMarkup } from 'telegraf/types';
// The class is a named CommonJS export of the package's own file (its default export is for bundlers).
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';

/** Options of createDevBotApi; DEFAULT_DEV_BOT_API_OPTIONS holds the defaults. */
export interface DevBotApiOptions {
  /** Where both servers listen; only loopback makes sense for a local try-out. */
  host: string;
  /**
   * Longest a getUpdates call is held open while there is nothing to deliver, in ms. The emulator answers
   * at once, which would make the bot poll in a tight loop; a short hold also lets the bot confirm what it
   * handled soon, which is how the chat knows a reply is complete.
   */
  pollHoldMs: number;
  /** How often a held getUpdates call looks for new messages, in ms. */
  pollIntervalMs: number;
}

export const DEFAULT_DEV_BOT_API_OPTIONS: Readonly<DevBotApiOptions> = Object.freeze({
  host: '127.0.0.1',
  pollHoldMs: 400,
  pollIntervalMs: 25,
});

/** Something the bot did in the chat, as the user would see it. */
export type BotAction =
  | {
      kind: 'message' | 'edit';
      chatId: string;
      messageId: number;
      html: string;
      keyboard: InlineKeyboardMarkup | undefined;
    }
  | { kind: 'venue'; chatId: string; title: string; address: string; latitude: number; longitude: number }
  | { kind: 'toast'; text: string };

/** A user of the emulated chat. */
export interface DevUser {
  id: number;
  firstName: string;
  /** Telegram's language_code of the user's app, if any. */
  languageCode?: string | undefined;
}

/** A local Bot API (telegram-test-api on loopback behind a thin front) and its client side. */
export interface DevBotApi {
  /** What the bot uses as TELEGRAM_API_ROOT. */
  readonly apiRoot: string;
  /** Sends a text message from the user to the bot, a command with its bot_command entity; returns its update id. */
  sendText(token: string, user: DevUser, text: string): Promise<number>;
  /** Presses an inline button under one of the bot's messages (a callback query); returns its update id. */
  press(token: string, user: DevUser, messageId: number, data: string): Promise<number>;
  /**
   * Resolves once the bot has confirmed (handled to the end) the update, or after `timeoutMs`, or when
   * `signal` aborts; true if handled.
   */
  waitHandled(updateId: number, timeoutMs: number, signal?: AbortSignal): Promise<boolean>;
  /** Stops both servers. */
  stop(): Promise<void>;
}

/**
 * Methods the emulator does not implement and the bot calls at start or on every question; they are
 * answered here so the bot's log is not filled with their failures. The menu and the typing indicator have
 * nothing to show in a terminal.
 */
const ANSWERED_HERE = new Set(['setMyCommands', 'deleteMyCommands', 'setChatMenuButton', 'sendChatAction']);
const UNSUPPORTED = /is not supported/;

/** A command as Telegram marks it: a bot_command entity over "/name" or "/name@bot" at the start. */
export function commandEntities(
  text: string,
): Array<{ type: 'bot_command'; offset: number; length: number }> {
  const command = /^\/[A-Za-z0-9_]+(?:@\w+)?/.exec(text);
  return command ? [{ type: 'bot_command', offset: 0, length: command[0].length }] : [];
}

async function readJson(req: IncomingMessage): Promise<{ raw: Buffer; body: Record<string, unknown> }> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  try {
    const parsed: unknown = raw.length > 0 ? JSON.parse(raw.toString('utf8')) : {};
    return { raw, body: parsed && typeof parsed === 'object' ? (parsed as Record<string, unknown>) : {} };
  } catch {
    return { raw, body: {} };
  }
}

const keyboardOf = (markup: unknown): InlineKeyboardMarkup | undefined => {
  const parsed: unknown = typeof markup === 'string' ? JSON.parse(markup) : markup;
  return parsed && typeof parsed === 'object' && 'inline_keyboard' in parsed
    ? (parsed as InlineKeyboardMarkup)
    : undefined;
};

/**
 * Starts telegram-test-api and its front server on free loopback ports. The front gives getUpdates
 * long-poll semantics, answers the methods in ANSWERED_HERE, turns the emulator's 500 for other unknown
 * methods into Telegram's 404 (a 5xx would be retried), and reports every message, edit, map pin and toast
 * the bot sends through `onAction`.
 */
export async function createDevBotApi(
  onAction: (action: BotAction) => void,
  overrides: Partial<DevBotApiOptions> = {},
): Promise<DevBotApi> {
  const options = { ...DEFAULT_DEV_BOT_API_OPTIONS, ...overrides };
  const port = await freePort(options.host);
  const emulator = new TelegramServer({ port, host: options.host, storeTimeout: 3600 });
  await emulator.start();
  /** The bot has handled every update below this id (the offset of its last getUpdates). */
  let confirmedBelow = 0;
  let localMessageId = 1_000_000;

  const answer = (res: ServerResponse, status: number, payload: unknown) => {
    if (!res.writableEnded)
      res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(payload));
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const { raw, body } = await readJson(req);
    const method = (req.url ?? '').split('?')[0]?.split('/').pop() ?? '';
    if (method === 'getUpdates' && typeof body.offset === 'number') {
      confirmedBelow = Math.max(confirmedBelow, body.offset);
    }
    if (ANSWERED_HERE.has(method)) return answer(res, 200, { ok: true, result: true });
    if (method === 'sendVenue') {
      const venue = {
        kind: 'venue' as const,
        chatId: String(body.chat_id),
        title: String(body.title ?? ''),
        address: String(body.address ?? ''),
        latitude: Number(body.latitude),
        longitude: Number(body.longitude),
      };
      onAction(venue);
      const chat = { id: Number(body.chat_id), type: 'private', first_name: 'You' };
      const { title, address, latitude, longitude } = venue;
      return answer(res, 200, {
        ok: true,
        result: {
          message_id: ++localMessageId,
          date: Math.floor(Date.now() / 1000),
          chat,
          venue: { location: { latitude, longitude }, title, address },
        },
      });
    }
    let closed = false;
    res.on('close', () => {
      closed = true;
    });
    const held = method === 'getUpdates' && Number(body.timeout) > 0;
    const deadline = Date.now() + (held ? Math.min(Number(body.timeout) * 1000, options.pollHoldMs) : 0);
    for (;;) {
      const upstream = await fetch(`${emulator.config.apiURL}${req.url}`, {
        method: req.method ?? 'POST',
        headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
        ...(req.method === 'GET' ? {} : { body: raw }),
      });
      const text = await upstream.text();
      if (method === 'getUpdates' && /"result":\[\]/.test(text) && !closed && Date.now() < deadline) {
        await sleep(options.pollIntervalMs);
        continue;
      }
      if (closed) return;
      if (upstream.status === 500 && UNSUPPORTED.test(text)) {
        return answer(res, 404, { ok: false, error_code: 404, description: 'Not Found' });
      }
      if (upstream.ok) report(method, body, text);
      res.writeHead(upstream.status, { 'content-type': 'application/json' }).end(text);
      return;
    }
  };

  const report = (method: string, body: Record<string, unknown>, response: string) => {
    const chatId = String(body.chat_id);
    const html = String(body.text ?? '');
    const keyboard = keyboardOf(body.reply_markup);
    if (method === 'sendMessage') {
      const sent = JSON.parse(response) as { result?: { message_id?: number } };
      onAction({ kind: 'message', chatId, messageId: Number(sent.result?.message_id), html, keyboard });
    } else if (method === 'editMessageText')
      onAction({ kind: 'edit', chatId, messageId: Number(body.message_id), html, keyboard });
    else if (method === 'answerCallbackQuery' && typeof body.text === 'string' && body.text)
      onAction({ kind: 'toast', text: body.text });
  };

  /** Posts to the emulator's client API; returns the id of the update it made. */
  const clientCall = async (route: string, payload: object): Promise<number> => {
    const res = await fetch(`${emulator.config.apiURL}/${route}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(payload),
    });
    if (!res.ok) throw new Error(`the emulator refused the ${route} call (${res.status})`);
    // The client API answers with no result; the update it stored last is this one.
    return emulator.storage.userMessages.at(-1)?.updateId ?? 0;
  };

  const front: Server = createServer((req, res) => {
    handle(req, res).catch(() =>
      answer(res, 502, { ok: false, error_code: 502, description: 'Bad Gateway' }),
    );
  });
  await new Promise<void>((resolve) => front.listen(0, options.host, resolve));
  const { port: frontPort } = front.address() as AddressInfo;

  return {
    apiRoot: `http://${options.host}:${frontPort}`,

    async sendText(token, user, text) {
      const entities = commandEntities(text);
      const from = userOf(user);
      const message = {
        botToken: token,
        date: Math.floor(Date.now() / 1000),
        from,
        chat: { id: user.id, type: 'private', first_name: user.firstName },
        text,
        ...(entities.length > 0 ? { entities } : {}),
      };
      // The emulator's client API: /sendCommand insists on entities, /sendMessage takes plain text.
      return clientCall(entities.length > 0 ? 'sendCommand' : 'sendMessage', message);
    },

    async press(token, user, messageId, data) {
      const from = userOf(user);
      const chat = { id: user.id, type: 'private', first_name: user.firstName };
      const date = Math.floor(Date.now() / 1000);
      return clientCall('sendCallback', {
        botToken: token,
        date,
        from,
        message: { message_id: messageId, date, chat },
        data,
      });
    },

    async waitHandled(updateId, timeoutMs, signal) {
      const deadline = Date.now() + timeoutMs;
      while (confirmedBelow <= updateId) {
        if (Date.now() >= deadline || signal?.aborted) return false;
        await sleep(options.pollIntervalMs);
      }
      return true;
    },

    async stop() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      await emulator.stop();
    },
  };
}

const userOf = (user: DevUser) => ({
  id: user.id,
  is_bot: false,
  first_name: user.firstName,
  ...(user.languageCode ? { language_code: user.languageCode } : {}),
});

/** A free TCP port (telegram-test-api cannot listen on port 0 and say which port it got). */
async function freePort(host: string): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
