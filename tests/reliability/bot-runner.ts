import { type RunOptions, runBot } from '../../src/bot/run.js';
import { createConfig } from '../../src/config.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Lang } from '../../src/engine/types.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { capturedLogger } from '../support/logger.js';
import type { FakeBotApi } from './fake-bot-api.js';

export const TOKEN = '777111:reliability-SECRET-token';

/** The bot as runBot runs it in production, in this process, against a fake Bot API; stopped on demand. */
export async function startBot(
  api: FakeBotApi,
  dataDir: string,
  options: Partial<RunOptions> = {},
  /** More environment variables (BOT_MODE, METRICS_PORT...). */
  env: Record<string, string> = {},
) {
  const { logger, lines: logs } = capturedLogger();
  const controller = new AbortController();
  const config = createConfig({
    BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: api.apiRoot,
    DATA_DIR: dataDir,
    ...env,
  });
  const done = runBot(config, { logger, signals: [], signal: controller.signal, ...options });
  const failed = done.then(
    () => new Error('the bot stopped before starting'),
    (error: unknown) => error,
  );
  for (;;) {
    if (logs.some((l) => l.msg === 'bot started')) break;
    const early = await Promise.race([failed, new Promise((resolve) => setTimeout(resolve, 20))]);
    if (early) throw early;
  }
  return {
    logs,
    done,
    /** Log lines with this message. */
    logged: (msg: string) => logs.filter((l) => l.msg === msg),
    /** Stops it like SIGTERM does, and waits until it is stopped. */
    async stop() {
      controller.abort();
      await done;
    },
  };
}

const engine = createEngine(loadKnowledge());
const CANDIDATES = [
  'When did the forum open?',
  'What agreements were signed?',
  'Who spoke at the forum?',
  'What was the theme of the forum?',
  'What is planned for 2026?',
  'Which Culture Year is the forum part of?',
  'Who opened the forum?',
  'Which library hosted the forum?',
];

/**
 * `count` questions the engine answers with different entries (no venue entries, whose answer comes with
 * a map pin), and the answer each gets; found rather than hard-coded, as the matcher is being tuned.
 */
export function distinctQuestions(
  count: number,
  lang: Lang = 'en',
): Array<{ question: string; answer: string }> {
  const seen = new Set<string>();
  const found: Array<{ question: string; answer: string }> = [];
  for (const question of CANDIDATES) {
    const result = engine.ask(question, { lang });
    if (result.kind !== 'answer' || result.entry.venue || seen.has(result.entry.id)) continue;
    seen.add(result.entry.id);
    found.push({ question, answer: result.entry.i18n[lang].answer });
  }
  if (found.length < count)
    throw new Error(`only ${found.length} distinct answered questions; add candidates`);
  return found.slice(0, count);
}

/** Waits until `check` holds (polling every 20 ms), or fails after `timeoutMs`. */
export async function until(check: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A seeded pseudo-random generator (mulberry32, shared with the bench), so fault patterns repeat from run to run. */
export { createRandom as seededRandom } from '../../bench/synthetic.js';
