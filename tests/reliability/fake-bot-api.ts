import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** A fault the fake Bot API injects into one call. */
export type Fault =
  /** Answer with a Bot API error, e.g. 429 with retry_after, 403, 400, or a 5xx. */
  | { status: number; description: string; retryAfter?: number }
  /** Answer normally, but only after a while (a slow API); not carried out if the bot gives up first. */
  | { delayMs: number }
  /** Close the connection without answering (a dropped connection). */
  | { drop: true };

/** What a fault rule sees of a call. */
export interface CallInfo {
  method: string;
  body: Record<string, unknown>;
  /** 1 for the first call of this method with this chat_id (or without one), 2 for the next... */
  nth: number;
}

/** One call the bot made, and how it was answered. */
export interface RecordedCall {
  method: string;
  body: Record<string, unknown>;
  /** When it arrived (ms since the epoch). */
  at: number;
  /** The injected fault, if any. */
  fault?: Fault;
}

/** A message the bot sent, as the chat shows it. */
export interface SentMessage {
  messageId: number;
  chatId: number;
  text: string;
  parseMode: string | undefined;
  at: number;
}

export interface FakeUser {
  id: number;
  language_code?: string;
}

const BOT = {
  id: 4242,
  is_bot: true,
  first_name: 'Forum Bot',
  username: 'ForumFaqBot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: true,
};

/**
 * A Bot API on 127.0.0.1 with Telegram's long-polling semantics, which telegram-test-api lacks: updates
 * stay until getUpdates is called with an offset above their id (so updates the bot never confirmed are
 * delivered again, also to the next process), and an empty getUpdates waits up to its timeout. Every call
 * is recorded; `fault` injects errors, delays and dropped connections.
 */
export class FakeBotApi {
  readonly calls: RecordedCall[] = [];
  readonly sent: SentMessage[] = [];
  /** Decides the fault for each call (undefined: answer normally). */
  fault: ((call: CallInfo) => Fault | undefined) | undefined;
  /** Longest a getUpdates call is held open (the bot asks for 30 s; tests need not wait that long). */
  maxLongPollMs = 1000;
  private queue: Array<Record<string, unknown> & { update_id: number }> = [];
  private nextUpdateId = 100;
  private nextMessageId = 1;
  private confirmed = 0;
  private readonly counts = new Map<string, number>();
  private waiters: Array<() => void> = [];

  private constructor(
    private readonly server: Server,
    /** What the bot uses as TELEGRAM_API_ROOT. */
    readonly apiRoot: string,
  ) {}

  static async start(): Promise<FakeBotApi> {
    let api: FakeBotApi | undefined;
    const server = createServer((req, res) => {
      void api?.handle(req, res).catch(() => {
        if (!res.headersSent) res.writeHead(500);
        res.end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    api = new FakeBotApi(server, `http://127.0.0.1:${port}`);
    return api;
  }

  /** The highest offset the bot has confirmed: every update below it is done with. */
  get confirmedOffset(): number {
    return this.confirmed;
  }

  /** Updates Telegram still holds (not confirmed by the bot). */
  get pendingUpdateIds(): number[] {
    return this.queue.map((u) => u.update_id);
  }

  /** Calls of one method, in order. */
  callsOf(method: string): RecordedCall[] {
    return this.calls.filter((c) => c.method === method);
  }

  /** Messages the bot sent to one chat, in the order Telegram accepted them. */
  messagesTo(chatId: number): SentMessage[] {
    return this.sent.filter((m) => m.chatId === chatId);
  }

  /** Queues an update; returns its id. */
  push(update: Record<string, unknown>): number {
    const id = this.nextUpdateId++;
    this.queue.push({ update_id: id, ...update });
    for (const wake of this.waiters.splice(0)) wake();
    return id;
  }

  /** A text message from a user in their private chat (or in `chat`); commands get their entity. */
  text(user: FakeUser, text: string, chat: { id: number; type: string } = { id: user.id, type: 'private' }) {
    const command = /^\/\S+/.exec(text);
    return this.push({
      message: {
        message_id: this.nextMessageId++,
        date: Math.floor(Date.now() / 1000),
        from: { is_bot: false, first_name: 'User', ...user },
        chat: chat.type === 'private' ? { ...chat, first_name: 'User' } : { ...chat, title: 'Readers' },
        text,
        ...(command ? { entities: [{ type: 'bot_command', offset: 0, length: command[0].length }] } : {}),
      },
    });
  }

  /** A button press with `data` under message `messageId` of the user's private chat. */
  press(user: FakeUser, data: string, messageId = 1) {
    return this.push({
      callback_query: {
        id: `cb${this.nextUpdateId}`,
        from: { is_bot: false, first_name: 'User', ...user },
        chat_instance: '1',
        data,
        message: {
          message_id: messageId,
          date: 0,
          chat: { id: user.id, type: 'private', first_name: 'User' },
          from: { id: BOT.id, is_bot: true, first_name: BOT.first_name },
          text: 'menu',
        },
      },
    });
  }

  async stop(): Promise<void> {
    for (const wake of this.waiters.splice(0)) wake();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, unknown>;
    const method = (req.url ?? '').split('/').pop() ?? '';
    const key = `${method}:${String(body.chat_id ?? '')}`;
    const nth = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, nth);
    const fault = this.fault?.({ method, body, nth });
    this.calls.push({ method, body, at: Date.now(), ...(fault ? { fault } : {}) });

    if (fault && 'drop' in fault) {
      req.socket.destroy();
      return;
    }
    if (fault && 'delayMs' in fault) {
      let abandoned = false;
      res.once('close', () => {
        abandoned = !res.writableFinished;
      });
      await new Promise((resolve) => setTimeout(resolve, fault.delayMs));
      // The bot gave up on the call (its deadline): like a request Telegram never got, it is not carried out.
      if (abandoned) return;
    }
    if (fault && 'status' in fault) {
      const error = {
        ok: false,
        error_code: fault.status,
        description: fault.description,
        ...(fault.retryAfter !== undefined ? { parameters: { retry_after: fault.retryAfter } } : {}),
      };
      res.writeHead(fault.status, { 'content-type': 'application/json' }).end(JSON.stringify(error));
      return;
    }
    const result = await this.answer(method, body, res);
    if (result === undefined) {
      res
        .writeHead(404, { 'content-type': 'application/json' })
        .end(JSON.stringify({ ok: false, error_code: 404, description: 'Not Found' }));
      return;
    }
    if (!res.destroyed) {
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ok: true, result }));
    }
  }

  private async answer(method: string, body: Record<string, unknown>, res: ServerResponse): Promise<unknown> {
    switch (method) {
      case 'getMe':
        return BOT;
      case 'getUpdates':
        return this.getUpdates(body, res);
      case 'sendMessage':
      case 'editMessageText': {
        const message = {
          messageId: method === 'sendMessage' ? this.nextMessageId++ : Number(body.message_id),
          chatId: Number(body.chat_id),
          text: String(body.text ?? ''),
          parseMode: typeof body.parse_mode === 'string' ? body.parse_mode : undefined,
          at: Date.now(),
        };
        this.sent.push(message);
        return {
          message_id: message.messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: message.chatId, type: message.chatId > 0 ? 'private' : 'supergroup' },
          text: message.text,
        };
      }
      case 'sendVenue':
        return {
          message_id: this.nextMessageId++,
          date: 0,
          chat: { id: Number(body.chat_id), type: 'private' },
        };
      case 'deleteWebhook':
      case 'setWebhook':
      case 'setMyCommands':
      case 'sendChatAction':
      case 'answerCallbackQuery':
      case 'answerInlineQuery':
      case 'editMessageReplyMarkup':
        return true;
      default:
        return undefined;
    }
  }

  private async getUpdates(body: Record<string, unknown>, res: ServerResponse): Promise<unknown[]> {
    const offset = Number(body.offset ?? 0);
    const limit = Number(body.limit ?? 100);
    const timeoutMs = Math.min(Number(body.timeout ?? 0) * 1000, this.maxLongPollMs);
    if (offset > 0) {
      // As Telegram does: an offset confirms every update below it, for good.
      this.confirmed = Math.max(this.confirmed, offset);
      this.queue = this.queue.filter((u) => u.update_id >= offset);
    }
    if (this.queue.length === 0 && timeoutMs > 0) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, timeoutMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
        res.once('close', () => resolve());
      });
    }
    return this.queue.slice(0, limit);
  }
}
