import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
// The package's default export is typed for ESM interop; the class itself is a named CJS export.
import { TelegramServer } from 'telegram-test-api/lib/telegramServer.js';
import { visibleText } from '../support/telegram.js';

/** The repository root (tests/e2e/../..). */
export const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const TSX_LOADER = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const MAIN = join(REPO_ROOT, 'src', 'main.ts');

const UNSUPPORTED = /is not supported/;

/**
 * The emulator answers methods it does not know (sendVenue, setMyCommands, sendChatAction...) with an HTTP
 * 500; Telegram answers unknown methods with 404 "Not Found", which is what the bot should meet (a 5xx is
 * a server fault it retries).
 */
function telegramLike(status: number, text: string): [number, { 'content-type': string }] {
  const unsupported = status === 500 && UNSUPPORTED.test(text);
  return [unsupported ? 404 : status, { 'content-type': 'application/json' }];
}

function body404(status: number, text: string): string {
  if (status !== 500 || !UNSUPPORTED.test(text)) return text;
  return JSON.stringify({
    ok: false,
    error_code: 404,
    description: 'Not Found: not supported by the emulator',
  });
}

/** A free TCP port on 127.0.0.1 (the emulator cannot listen on port 0 itself). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/** One Bot API call the bot made, as it reached the emulator. */
export interface ApiCall {
  method: string;
  body: Record<string, unknown>;
}

/** A message from the bot as the user sees it in the chat. */
export interface BotMessage {
  messageId: number;
  html: string;
  text: string;
  buttons: Array<{ text: string; data: string }>;
}

/**
 * telegram-test-api on 127.0.0.1 behind a thin front server that records every Bot API call (so tests can
 * see toasts and failed optional calls) and gives getUpdates long-poll semantics (the emulator answers at
 * once, which would make the bot spin). Everything else is passed through untouched, including the
 * emulator's errors for methods it does not know (sendVenue, setMyCommands, sendChatAction...).
 */
export class BotApiEmulator {
  private constructor(
    readonly server: TelegramServer,
    private readonly front: Server,
    /** What the bot uses as TELEGRAM_API_ROOT. */
    readonly apiRoot: string,
    /** Every Bot API call but getUpdates, in order. */
    readonly calls: ApiCall[],
  ) {}

  /** Starts the emulator and its front server on free ports. */
  static async start(): Promise<BotApiEmulator> {
    const port = await freePort();
    const server = new TelegramServer({ port, host: '127.0.0.1', storeTimeout: 600 });
    await server.start();
    const calls: ApiCall[] = [];
    const front = createServer((req, res) => {
      void (async () => {
        const chunks: Buffer[] = [];
        for await (const chunk of req) chunks.push(chunk as Buffer);
        const raw = Buffer.concat(chunks);
        const method = (req.url ?? '').split('/').pop() ?? '';
        let body: Record<string, unknown> = {};
        try {
          body = raw.length > 0 ? (JSON.parse(raw.toString('utf8')) as Record<string, unknown>) : {};
        } catch {
          body = {};
        }
        if (method !== 'getUpdates') calls.push({ method, body });
        let closed = false;
        res.on('close', () => {
          closed = true;
        });
        const deadline = Date.now() + (method === 'getUpdates' && body.timeout ? 1000 : 0);
        for (;;) {
          const upstream = await fetch(`${server.config.apiURL}${req.url}`, {
            method: req.method ?? 'POST',
            headers: { 'content-type': req.headers['content-type'] ?? 'application/json' },
            ...(req.method === 'GET' ? {} : { body: raw }),
          });
          const text = await upstream.text();
          const empty = method === 'getUpdates' && /"result":\[\]/.test(text);
          if (!empty || closed || Date.now() >= deadline) {
            if (!closed)
              res.writeHead(...telegramLike(upstream.status, text)).end(body404(upstream.status, text));
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
      })().catch(() => {
        if (!res.headersSent) res.writeHead(502);
        res.end();
      });
    });
    await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
    const { port: frontPort } = front.address() as AddressInfo;
    return new BotApiEmulator(server, front, `http://127.0.0.1:${frontPort}`, calls);
  }

  /** A Telegram user chatting with the bot in a private chat. */
  user(token: string, options: { userId: number; languageCode?: string; firstName?: string }): ChatUser {
    return new ChatUser(this, token, options.userId, options.languageCode, options.firstName ?? 'Tester');
  }

  /** Calls of one method, in order. */
  callsOf(method: string): ApiCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  async stop(): Promise<void> {
    this.front.closeAllConnections();
    await new Promise<void>((resolve) => this.front.close(() => resolve()));
    await this.server.stop();
  }
}

/** Drives the emulator's client API as one user, and reads what the bot sent to their chat. */
export class ChatUser {
  private readonly client;
  private lastSeen = 0;

  constructor(
    private readonly emulator: BotApiEmulator,
    private readonly token: string,
    readonly userId: number,
    private readonly languageCode: string | undefined,
    firstName: string,
  ) {
    this.client = emulator.server.getClient(token, { userId, chatId: userId, firstName, type: 'private' });
  }

  private get from() {
    return this.languageCode ? { from: { language_code: this.languageCode } } : {};
  }

  /** Sends a text message (a command if it starts with "/"). */
  async say(text: string): Promise<void> {
    if (text.startsWith('/')) await this.client.sendCommand(this.client.makeCommand(text, this.from));
    else await this.client.sendMessage(this.client.makeMessage(text, this.from));
  }

  /** Presses an inline button under one of the bot's messages. */
  async press(message: BotMessage, buttonText: string | RegExp): Promise<void> {
    const button = message.buttons.find((b) =>
      typeof buttonText === 'string' ? b.text === buttonText : buttonText.test(b.text),
    );
    if (!button) {
      throw new Error(
        `no button ${String(buttonText)}; have: ${message.buttons.map((b) => b.text).join(' | ')}`,
      );
    }
    await this.pressData(message.messageId, button.data);
  }

  /** Sends a callback query with arbitrary data (e.g. a forged one). */
  async pressData(messageId: number, data: string): Promise<void> {
    const query = this.client.makeCallbackQuery(data, {
      ...this.from,
      message: { message_id: messageId, date: Math.floor(Date.now() / 1000) },
    });
    await this.client.sendCallback(query);
  }

  /** Every bot message in this chat so far, with edits applied. */
  async history(): Promise<BotMessage[]> {
    const res = await fetch(`${this.emulator.server.config.apiURL}/getUpdatesHistory`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token: this.token }),
    });
    const data = (await res.json()) as { result: Array<Record<string, unknown>> };
    return data.result
      .filter((u) => 'message' in u && (u.message as { chat_id?: unknown }).chat_id !== undefined)
      .filter((u) => String((u.message as { chat_id: unknown }).chat_id) === String(this.userId))
      .map((u) => toBotMessage(u.messageId as number, u.message as Record<string, unknown>));
  }

  /** Waits for `count` new bot messages in this chat (fails after `timeoutMs`). */
  async expectMessages(count: number, timeoutMs = 8000): Promise<BotMessage[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const fresh = (await this.history()).filter((m) => m.messageId > this.lastSeen);
      if (fresh.length >= count) {
        const taken = fresh.slice(0, count);
        this.lastSeen = taken.at(-1)?.messageId ?? this.lastSeen;
        return taken;
      }
      if (Date.now() > deadline) {
        throw new Error(`expected ${count} bot message(s), got ${fresh.length}: ${JSON.stringify(fresh)}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 40));
    }
  }

  /** Waits for exactly one new bot message. */
  async expectMessage(timeoutMs?: number): Promise<BotMessage> {
    const [message] = await this.expectMessages(1, timeoutMs);
    if (!message) throw new Error('no message');
    return message;
  }

  /** Fails if the bot sends anything within `ms`. */
  async expectSilence(ms = 600): Promise<void> {
    await new Promise((resolve) => setTimeout(resolve, ms));
    const fresh = (await this.history()).filter((m) => m.messageId > this.lastSeen);
    if (fresh.length > 0) throw new Error(`expected silence, got ${JSON.stringify(fresh)}`);
  }
}

function toBotMessage(messageId: number, message: Record<string, unknown>): BotMessage {
  const html = String(message.text ?? '');
  const markup = message.reply_markup as
    | { inline_keyboard?: Array<Array<Record<string, string>>> }
    | undefined;
  const buttons = (markup?.inline_keyboard ?? [])
    .flat()
    .map((b) => ({ text: b.text ?? '', data: b.callback_data ?? '' }));
  return { messageId, html, text: visibleText(html), buttons };
}

export { visibleText };

/** A running bot process (the real src/main.ts) with its output. */
export class BotProcess {
  output = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    child.stdout?.on('data', (d: Buffer) => {
      this.output += d.toString('utf8');
    });
    child.stderr?.on('data', (d: Buffer) => {
      this.output += d.toString('utf8');
    });
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  /** The JSON log lines printed so far. */
  logs(): Array<Record<string, unknown>> {
    return this.output
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  }

  /** Waits until a log line with this msg appears (or the process dies). */
  async waitForLog(msg: string, timeoutMs = 15_000): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const line = this.logs().find((l) => l.msg === msg);
      if (line) return line;
      if (this.child.exitCode !== null)
        throw new Error(`bot exited (${this.child.exitCode}):\n${this.output}`);
      if (Date.now() > deadline) throw new Error(`no "${msg}" log line in ${timeoutMs} ms:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Sends SIGTERM and waits for the exit code. */
  async stop(): Promise<number | null> {
    if (this.child.exitCode === null) this.child.kill('SIGTERM');
    return this.exited;
  }
}

/**
 * Spawns `node src/main.ts` (through tsx, so it always runs the current source without a build) in an
 * empty working directory, so a developer's .env cannot leak into the test; only `env` and PATH are set.
 */
export function spawnBot(env: Record<string, string>, cwd: string): BotProcess {
  const child = spawn(process.execPath, ['--import', TSX_LOADER, MAIN], {
    cwd,
    env: { PATH: process.env.PATH ?? '', LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new BotProcess(child);
}

/**
 * The environment of a bot process in webhook mode against the emulator: it registers
 * https://forum-bot.invalid<path> (never contacted: tests post updates to 127.0.0.1:<port> themselves).
 */
export function webhookEnv(options: {
  token: string;
  apiRoot: string;
  dataDir: string;
  secret: string;
  port: number;
}): Record<string, string> {
  return {
    BOT_TOKEN: options.token,
    TELEGRAM_API_ROOT: options.apiRoot,
    DATA_DIR: options.dataDir,
    BOT_MODE: 'webhook',
    WEBHOOK_DOMAIN: 'forum-bot.invalid',
    WEBHOOK_SECRET: options.secret,
    PORT: String(options.port),
    HOST: '127.0.0.1',
  };
}

/** A fresh temporary directory, and a function that removes it. */
export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}
