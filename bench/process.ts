import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_FLOOD_OPTIONS } from '../src/bot/middleware/flood.js';
import type { RunOptions } from '../src/bot/run.js';
import { type ConversationState, converse, NEW_CONVERSATION } from '../src/conversation/conversation.js';
import type { Engine, Lang } from '../src/engine/types.js';
import { BotApiEmulator, REPO_ROOT, tempDir, visibleText } from '../tests/e2e/harness.js';

/** The built CLI and bot (`npm run bench` builds first). */
export const ASK_JS = join(REPO_ROOT, 'dist', 'bin', 'ask.js');
export const MAIN_JS = join(REPO_ROOT, 'dist', 'main.js');
const RUN_JS = join(REPO_ROOT, 'dist', 'bot', 'run.js');
const CONFIG_JS = join(REPO_ROOT, 'dist', 'config.js');

/** A token the emulator accepts; the bot never talks to Telegram. */
const TOKEN = '4242:bench-token';

/** The most updates one getUpdates call returns on the real Bot API (its `limit`: 1-100, default 100). */
export const TELEGRAM_UPDATES_LIMIT = 100;

/** How much of the whole-process part to run; DEFAULT_PROCESS_OPTIONS and QUICK_PROCESS_OPTIONS hold the two runs. */
export interface ProcessOptions {
  /** Runs of each command for the cold-start medians. */
  coldRuns: number;
  /** The question `ask` answers in the cold-start runs. */
  coldQuestion: string;
  /** Simulated users in the burst (and in the closed loop of the RSS run). */
  burstUsers: number;
  /** Messages they send all at once (spread evenly over the users). */
  burstMessages: number;
  /** Questions the bot answers in the RSS run before its RSS is read. */
  rssQuestions: number;
  /** Longest wait for a burst to drain, and for the closed loop to finish. */
  drainTimeoutMs: number;
  /** Wait after the last expected reply, to catch duplicates arriving late. */
  graceMs: number;
  /** How often the bot's RSS is sampled during a burst. */
  sampleMs: number;
  /** Extra Node options for the bot processes (e.g. --cpu-prof to profile them); none by default. */
  botNodeArgs: readonly string[];
}

export const DEFAULT_PROCESS_OPTIONS: Readonly<ProcessOptions> = Object.freeze({
  coldRuns: 9,
  coldQuestion: 'When did the forum open?',
  burstUsers: 200,
  burstMessages: 2_000,
  rssQuestions: 10_000,
  drainTimeoutMs: 240_000,
  graceMs: 1_500,
  sampleMs: 20,
  botNodeArgs: [],
});

export const QUICK_PROCESS_OPTIONS: Readonly<ProcessOptions> = Object.freeze({
  ...DEFAULT_PROCESS_OPTIONS,
  coldRuns: 3,
  burstUsers: 20,
  burstMessages: 200,
  rssQuestions: 1_000,
  drainTimeoutMs: 60_000,
  graceMs: 500,
});

/** Cold start of the batch CLI next to the floor (`node -e 0`): medians in milliseconds. */
export interface ColdStartFigures {
  ask_ms: number;
  node_ms: number;
  /** ask_ms / node_ms. */
  ratio: number;
  runs: number;
  /** `npm start` with no token and piped stdin, to the terminal chat's banner (median; bench/start-up.ts). */
  start_banner_ms?: number | null;
}

/** A burst: every message handed to the emulator at once, and what came back. */
export interface BurstFigures {
  /** Which bot process, run how. */
  how: string;
  users: number;
  messages: number;
  /** Replies the bot's flood control allows for these messages (= messages when it is lifted). */
  expected_replies: number;
  /** Replies received. */
  replies: number;
  /** Messages answered by the engine's answer, found in the right chat. */
  answers_found: number;
  /** Expected replies that never came, counted per chat. */
  lost: number;
  /** Replies beyond the expected ones, counted per chat. */
  duplicated: number;
  /** Engine answers expected for a chat but missing from its replies. */
  wrong_answer: number;
  /** A few of those questions, to look into. */
  wrong_examples: string[];
  /** From the first message handed over to the last expected reply stored by the emulator. */
  drain_ms: number;
  /** The bot process's peak resident set (VmHWM, which also covers startup), and the sampled VmRSS peak. */
  peak_rss_mb: number | null;
  sampled_peak_rss_mb: number | null;
  startup_ms: number;
}

/** The bot's RSS after answering `questions` questions. */
export interface RssFigures {
  how: string;
  questions: number;
  replies: number;
  /** VmRSS once all were answered. */
  rss_mb: number | null;
  /** VmHWM: the peak over the whole run. */
  peak_rss_mb: number | null;
  /** VmRSS once ready, after the opening burst, then every 5 s: a plateau, or a leak. */
  rss_series_mb: (number | null)[];
  /** The opening burst of the same run, with Telegram's limits and flood control lifted. */
  burst: BurstFigures;
  duration_ms: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
};

/** The environment for child processes: none of the bench's own Node options (e.g. --import tsx). */
function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _options, ...env } = process.env;
  return { ...env, ...extra };
}

function timeRun(args: string[]): number {
  const start = performance.now();
  const run = spawnSync(process.execPath, args, { cwd: REPO_ROOT, env: childEnv(), encoding: 'utf8' });
  const ms = performance.now() - start;
  if (run.status !== 0 || (args[0] === ASK_JS && !run.stdout.trim())) {
    throw new Error(`node ${args.join(' ')} failed (${run.status}): ${run.stderr}`);
  }
  return ms;
}

/** Median wall time of `node dist/bin/ask.js "<question>"` and of `node -e 0`, alternating runs. */
export function measureColdStart(options: ProcessOptions): ColdStartFigures {
  if (!existsSync(ASK_JS)) throw new Error(`${ASK_JS} is missing: run npm run build first`);
  // One untimed run each, so both read their files from a warm page cache.
  timeRun(['-e', '0']);
  timeRun([ASK_JS, options.coldQuestion]);
  const node: number[] = [];
  const ask: number[] = [];
  for (let i = 0; i < options.coldRuns; i++) {
    node.push(timeRun(['-e', '0']));
    ask.push(timeRun([ASK_JS, options.coldQuestion]));
  }
  const ask_ms = median(ask);
  const node_ms = median(node);
  return {
    ask_ms: Number(ask_ms.toFixed(1)),
    node_ms: Number(node_ms.toFixed(1)),
    ratio: Number((ask_ms / node_ms).toFixed(2)),
    runs: options.coldRuns,
  };
}

/** A field of /proc/<pid>/status in MB (VmRSS, VmHWM), or null where there is no /proc. */
export function procStatusMb(pid: number, field: 'VmRSS' | 'VmHWM'): number | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1];
    return kb === undefined ? null : Number((Number(kb) / 1024).toFixed(1));
  } catch {
    return null;
  }
}

/**
 * Makes the emulator's getUpdates return at most `limit` updates like the real Bot API (the emulator
 * hands over every unread update at once, so a burst would reach the bot as one batch of thousands,
 * which Telegram never sends).
 */
export function limitUpdates(server: BotApiEmulator['server'], limit: number = TELEGRAM_UPDATES_LIMIT): void {
  const getAll = server.getUpdates.bind(server);
  server.getUpdates = (token) => {
    const held = server.storage.userMessages.filter((u) => u.botToken === token && !u.isRead).slice(limit);
    for (const u of held) u.isRead = true;
    try {
      return getAll(token);
    } finally {
      for (const u of held) u.isRead = false;
    }
  };
}

/**
 * The options the RSS run gives runBot: Telegram's outbound limits (30 messages a second in all, one a
 * second per chat) and the per-user flood control lifted, so 10 000 questions take a minute, not the
 * eleven that 30 calls a second would.
 */
const UNLIMITED = { cap: 1_000_000_000, intervalMs: 1000 };
export const UNLIMITED_RUN_OPTIONS: Pick<RunOptions, 'outbound' | 'flood'> = {
  outbound: { global: UNLIMITED, perChat: UNLIMITED, perGroup: UNLIMITED },
  flood: { burst: 1_000_000_000, perSecond: 1_000_000_000 },
};

/** How a bot process is started: the shipped entry point, or runBot with UNLIMITED_RUN_OPTIONS. */
type BotMode = 'main' | 'unlimited';

function botArgs(mode: BotMode): string[] {
  if (mode === 'main') return [MAIN_JS];
  const script = [
    `const { runBot } = await import(${JSON.stringify(pathToFileURL(RUN_JS).href)});`,
    `const { createConfig } = await import(${JSON.stringify(pathToFileURL(CONFIG_JS).href)});`,
    `await runBot(createConfig(process.env), ${JSON.stringify(UNLIMITED_RUN_OPTIONS)});`,
    'process.exit(0);',
  ].join('\n');
  return ['--input-type=module', '-e', script];
}

/** A bot process polling the emulator, with its output scanned for one log line. */
class BotChild {
  private tail = '';
  readonly exited: Promise<number | null>;

  constructor(readonly child: ChildProcess) {
    // Only the last few KB are kept: the bot logs a warning per call the emulator refuses (sendChatAction).
    const keep = (d: Buffer) => {
      this.tail = (this.tail + d.toString('utf8')).slice(-65_536);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
  }

  async waitFor(msg: string, timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!this.tail.includes(`"msg":"${msg}"`)) {
      if (this.child.exitCode !== null) {
        throw new Error(`the bot exited (${this.child.exitCode}):\n${this.tail}`);
      }
      if (Date.now() > deadline)
        throw new Error(`no "${msg}" from the bot in ${timeoutMs} ms:\n${this.tail}`);
      await sleep(20);
    }
  }

  async stop(): Promise<void> {
    if (this.child.exitCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** One simulated user's message, and the answer the engine gives it. */
interface Planned {
  chatId: number;
  languageCode: Lang;
  text: string;
  /** The answer text the reply must contain, when the engine answers the question. */
  answer: string | null;
}

const USER_LANGS: readonly Lang[] = ['en', 'ru', 'zh'];
const FIRST_CHAT = 700_000;

/**
 * Plans `count` messages from `users` users (message k from user k mod users), cycling through the
 * questions from `offset`; the users' Telegram language_code cycles through en, ru, zh.
 */
function plan(engine: Engine, questions: readonly string[], users: number, count: number, offset: number) {
  const out: Planned[] = [];
  // Each user's messages are one conversation, answered in order, as the bot keeps it.
  const chats = new Map<number, { state: ConversationState; chosen?: Lang }>();
  for (let k = 0; k < count; k++) {
    const user = k % users;
    const text = questions[(offset + k) % questions.length] as string;
    const languageCode = USER_LANGS[user % USER_LANGS.length] as Lang;
    const chat: { state: ConversationState; chosen?: Lang } = chats.get(user) ?? { state: NEW_CONVERSATION };
    const { turn, state, chosen } = converse(engine, chat.state, text, {
      chosen: chat.chosen,
      fallbackLang: languageCode,
    });
    chats.set(user, { state, chosen: chosen ?? chat.chosen });
    const result = turn.kind === 'reply' ? turn.result : null;
    out.push({
      chatId: FIRST_CHAT + user,
      languageCode,
      text,
      answer: result?.kind === 'answer' ? result.entry.i18n[result.lang].answer : null,
    });
  }
  return out;
}

/** A bot process and the emulator it polls, with every reply counted per chat as it arrives. */
interface Session {
  emulator: BotApiEmulator;
  bot: BotChild;
  pid: number;
  startup_ms: number;
  arrivals: number[];
  repliesIn: Map<number, number>;
  sentIn: Map<number, number>;
  onReply: Map<number, () => void>;
  send(p: Planned): Promise<void>;
}

/** Starts the emulator and a bot process polling it, runs `body`, then stops both. */
async function withBot<T>(
  mode: BotMode,
  options: ProcessOptions,
  body: (session: Session) => Promise<T>,
): Promise<T> {
  if (!existsSync(MAIN_JS)) throw new Error(`${MAIN_JS} is missing: run npm run build first`);
  const emulator = await BotApiEmulator.start();
  limitUpdates(emulator.server);
  const data = tempDir('forum-bot-bench-');
  let bot: BotChild | undefined;
  try {
    const { server } = emulator;
    const arrivals: number[] = [];
    const repliesIn = new Map<number, number>();
    const onReply = new Map<number, () => void>();
    server.on('AddedBotMessage', () => {
      arrivals.push(performance.now());
      const chatId = Number(server.storage.botMessages.at(-1)?.message.chat_id);
      repliesIn.set(chatId, (repliesIn.get(chatId) ?? 0) + 1);
      onReply.get(chatId)?.();
    });

    const started = performance.now();
    bot = new BotChild(
      spawn(process.execPath, [...options.botNodeArgs, ...botArgs(mode)], {
        cwd: data.dir,
        env: childEnv({
          BOT_TOKEN: TOKEN,
          TELEGRAM_API_ROOT: emulator.apiRoot,
          DATA_DIR: data.dir,
          LOG_LEVEL: 'info',
        }),
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    await bot.waitFor('bot started', 30_000);
    const startup_ms = performance.now() - started;

    const clients = new Map<number, ReturnType<typeof server.getClient>>();
    const sentIn = new Map<number, number>();
    const running = bot;
    return await body({
      emulator,
      bot: running,
      pid: running.child.pid as number,
      startup_ms,
      arrivals,
      repliesIn,
      sentIn,
      onReply,
      // The same call the emulator's client API (POST /sendMessage) makes: a burst is in the queue at
      // once, with no HTTP cost on the users' side.
      async send(p) {
        let c = clients.get(p.chatId);
        if (!c) {
          c = server.getClient(TOKEN, {
            userId: p.chatId,
            chatId: p.chatId,
            firstName: 'Bench',
            type: 'private',
          });
          clients.set(p.chatId, c);
        }
        sentIn.set(p.chatId, (sentIn.get(p.chatId) ?? 0) + 1);
        await server.addUserMessage(c.makeMessage(p.text, { from: { language_code: p.languageCode } }));
      },
    });
  } finally {
    await bot?.stop();
    await emulator.stop();
    data.remove();
  }
}

/**
 * Hands every planned message to the emulator at once, waits for the replies flood control allows
 * (`floodBurst` per user and one notice beyond it), and checks them: none lost, none duplicated, and
 * each engine answer in its chat.
 */
async function burst(
  session: Session,
  planned: readonly Planned[],
  floodBurst: number,
  options: ProcessOptions,
  how: string,
): Promise<BurstFigures> {
  const perChat = new Map<number, Planned[]>();
  for (const p of planned) perChat.set(p.chatId, [...(perChat.get(p.chatId) ?? []), p]);
  let expected = 0;
  for (const mine of perChat.values()) {
    expected += Math.min(mine.length, floodBurst) + (mine.length > floodBurst ? 1 : 0);
  }

  const before = session.arrivals.length;
  let sampledPeak = 0;
  const sampler = setInterval(() => {
    sampledPeak = Math.max(sampledPeak, procStatusMb(session.pid, 'VmRSS') ?? 0);
  }, options.sampleMs);
  const t0 = performance.now();
  for (const p of planned) await session.send(p);
  const deadline = t0 + options.drainTimeoutMs;
  while (session.arrivals.length - before < expected && performance.now() < deadline) await sleep(10);
  const drain_ms = (session.arrivals.at(-1) ?? t0) - t0;
  await sleep(options.graceMs);
  clearInterval(sampler);

  // Replies of this burst, per chat (the burst comes first in its session, so every reply is one).
  const replies = new Map<number, string[]>();
  for (const { message } of session.emulator.server.storage.botMessages) {
    const chatId = Number(message.chat_id);
    if (!perChat.has(chatId)) continue;
    replies.set(chatId, [...(replies.get(chatId) ?? []), visibleText(String(message.text ?? ''))]);
  }
  let lost = 0;
  let duplicated = 0;
  let wrong = 0;
  let found = 0;
  let received = 0;
  const examples = new Set<string>();
  for (const [chatId, mine] of perChat) {
    const got = [...(replies.get(chatId) ?? [])];
    received += got.length;
    const want = Math.min(mine.length, floodBurst) + (mine.length > floodBurst ? 1 : 0);
    lost += Math.max(0, want - got.length);
    duplicated += Math.max(0, got.length - want);
    for (const p of mine.slice(0, floodBurst)) {
      if (p.answer === null) continue;
      const i = got.findIndex((text) => text.includes(p.answer as string));
      if (i < 0) {
        wrong += 1;
        if (examples.size < 5) examples.add(p.text);
      } else {
        found += 1;
        got.splice(i, 1);
      }
    }
  }
  return {
    how,
    users: perChat.size,
    messages: planned.length,
    expected_replies: expected,
    replies: received,
    answers_found: found,
    lost,
    duplicated,
    wrong_answer: wrong,
    wrong_examples: [...examples],
    drain_ms: Number(drain_ms.toFixed(0)),
    peak_rss_mb: procStatusMb(session.pid, 'VmHWM'),
    sampled_peak_rss_mb: sampledPeak > 0 ? sampledPeak : null,
    startup_ms: Number(session.startup_ms.toFixed(0)),
  };
}

/**
 * The burst through the shipped bot (`node dist/main.js`, Telegram's limits and flood control as they
 * ship): `burstMessages` messages from `burstUsers` users at once.
 */
export function measureBurst(
  engine: Engine,
  questions: readonly string[],
  options: ProcessOptions,
): Promise<BurstFigures> {
  return withBot('main', options, (session) =>
    burst(
      session,
      plan(engine, questions, options.burstUsers, options.burstMessages, 0),
      DEFAULT_FLOOD_OPTIONS.burst,
      options,
      `node dist/main.js as shipped (Telegram's outbound limits, flood control: ${DEFAULT_FLOOD_OPTIONS.burst} messages per user at once)`,
    ),
  );
}

/**
 * The bot's RSS after `rssQuestions` questions: runBot from dist/ in its own process with
 * UNLIMITED_RUN_OPTIONS; an opening burst (every message must get exactly one reply), then the same
 * users in a closed loop, each asking again as soon as its last question was answered.
 */
export function measureRss(
  engine: Engine,
  questions: readonly string[],
  options: ProcessOptions,
  log: (line: string) => void = () => {},
): Promise<RssFigures> {
  return withBot('unlimited', options, async (session) => {
    const began = performance.now();
    const series: (number | null)[] = [procStatusMb(session.pid, 'VmRSS')];
    const opening = plan(engine, questions, options.burstUsers, options.burstMessages, 0);
    const how = `runBot from dist/ in its own process, Telegram's outbound limits and flood control lifted`;
    const first = await burst(session, opening, Number.POSITIVE_INFINITY, options, how);
    series.push(procStatusMb(session.pid, 'VmRSS'));

    const rest = plan(
      engine,
      questions,
      options.burstUsers,
      Math.max(0, options.rssQuestions - opening.length),
      opening.length,
    );
    const queues = new Map<number, Planned[]>();
    for (const p of rest) queues.set(p.chatId, [...(queues.get(p.chatId) ?? []), p]);
    log(`closed loop: ${rest.length} more questions from ${queues.size} users`);
    const answered = (chatId: number) =>
      (session.repliesIn.get(chatId) ?? 0) >= (session.sentIn.get(chatId) ?? 0);
    const deadline = performance.now() + options.drainTimeoutMs;
    const progress = setInterval(() => series.push(procStatusMb(session.pid, 'VmRSS')), 5_000);
    await Promise.all(
      [...queues].map(async ([chatId, mine]) => {
        for (const p of mine) {
          await session.send(p);
          while (!answered(chatId)) {
            const left = deadline - performance.now();
            if (left <= 0) return;
            await new Promise<void>((resolve) => {
              const timer = setTimeout(resolve, Math.min(left, 1_000));
              session.onReply.set(chatId, () => {
                clearTimeout(timer);
                resolve();
              });
            });
          }
        }
      }),
    );
    clearInterval(progress);
    const rss_mb = procStatusMb(session.pid, 'VmRSS');
    series.push(rss_mb);
    return {
      how,
      questions: [...session.sentIn.values()].reduce((a, b) => a + b, 0),
      replies: session.arrivals.length,
      rss_mb,
      peak_rss_mb: procStatusMb(session.pid, 'VmHWM'),
      rss_series_mb: series,
      burst: first,
      duration_ms: Number((performance.now() - began).toFixed(0)),
    };
  });
}
