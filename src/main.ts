import { statSync } from 'node:fs';
import type { TelegramError as TelegramErrorType } from 'telegraf';
import { type Config, ConfigError, configSecrets, createConfig, createTerminalConfig } from './config.js';

/** Once runBot has returned, anything still holding the event loop (a keep-alive socket) gets this long. */
const EXIT_GRACE_MS = 500;

/** Runs the Telegram bot; a failure exits 1 with a message that never shows the token or webhook secret. */
async function telegram(config: Config): Promise<void> {
  const { createRedactor } = await import('./logger.js');
  const redact = createRedactor(configSecrets(config));
  // The last resort: a crash prints one redacted line instead of Node's dump of the error and its payload.
  const crash = (error: unknown) => {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`The bot crashed: ${redact(reason)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  // Loaded here, not at the top (as pino above): the terminal chat never needs Telegraf, Redis, SQLite or
  // pino, and starts sooner without them.
  const [{ runBot }, { TelegramError }] = await Promise.all([import('./bot/run.js'), import('telegraf')]);
  try {
    await runBot(config);
  } catch (error) {
    // Telegraf hides the token in URLs already; this also covers anything else that might echo it.
    process.stderr.write(`The bot could not run: ${redact(failureReason(error, TelegramError))}\n`);
    process.exit(1);
  }
  setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
}

/** Why the bot could not run, in the operator's terms: a rejected token names its variable. */
function failureReason(error: unknown, TelegramError: typeof TelegramErrorType): string {
  // Telegram answers 401 for a revoked token, and 404 to getMe for one that never existed.
  if (
    error instanceof TelegramError &&
    (error.code === 401 ||
      (error.code === 404 && (error.on as { method?: string } | undefined)?.method === 'getMe'))
  )
    return `BOT_TOKEN was rejected by Telegram (${error.code}): it is wrong or was revoked; get the current one from @BotFather`;
  if (error instanceof TelegramError && error.code === 409 && !/webhook/i.test(error.description))
    return `another instance polls Telegram with this BOT_TOKEN (409 Conflict); this one stops, the other goes on`;
  return error instanceof Error ? error.message : String(error);
}

/** Reads .env when there is one; anything but a readable file of VARIABLE=value lines is a ConfigError. */
function loadDotEnv(path = '.env'): void {
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ConfigError(
      `Invalid configuration: ${path} cannot be read (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  if (!isFile)
    throw new ConfigError(
      `Invalid configuration: ${path} is not a file (a folder?); it must hold VARIABLE=value lines`,
    );
  try {
    process.loadEnvFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    throw new ConfigError(`Invalid configuration: ${path} cannot be read (${code})`);
  }
}

/** Entry point: the only place that reads process.env and may exit. */
async function main(): Promise<void> {
  let config: Config | undefined;
  try {
    loadDotEnv();
    if (!process.env.BOT_TOKEN?.trim()) {
      // No token: the terminal chat, with the same engine and commands.
      const { defaultLang, knowledgeDir } = createTerminalConfig(process.env);
      // `npm start | head -1` closes the pipe early: that is the reader's choice, not a crash.
      process.stdout.on('error', (error: NodeJS.ErrnoException) => {
        if (error.code !== 'EPIPE') throw error;
        process.exit(0);
      });
      const tty = Boolean(process.stdin.isTTY && process.stdout.isTTY);
      const { runTerminal } = await import('./cli/terminal.js');
      process.exitCode = await runTerminal({
        input: process.stdin,
        output: process.stdout,
        defaultLang,
        knowledgeDir,
        tty,
        // https://no-color.org: any non-empty NO_COLOR turns colour off.
        color: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
        // Read at each reply: the window may be resized during the chat.
        width: process.stdout.isTTY ? () => process.stdout.columns : undefined,
      });
      return;
    }
    config = createConfig(process.env);
  } catch (error) {
    // Bad configuration or a bad knowledge file: one readable line, no stack trace.
    const { KnowledgeError } = await import('./knowledge/load.js');
    if (!(error instanceof ConfigError || error instanceof KnowledgeError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  await telegram(config);
}

await main();
