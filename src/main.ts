import { existsSync } from 'node:fs';
import { runBot } from './bot/run.js';
import { runTerminal } from './cli/terminal.js';
import { type Config, ConfigError, configSecrets, createConfig, createTerminalConfig } from './config.js';
import { KnowledgeError } from './knowledge/load.js';
import { createRedactor } from './logger.js';

/** Once runBot has returned, anything still holding the event loop (a keep-alive socket) gets this long. */
const EXIT_GRACE_MS = 500;

/** Runs the Telegram bot; a failure exits 1 with a message that never shows the token or webhook secret. */
async function telegram(config: Config): Promise<void> {
  const redact = createRedactor(configSecrets(config));
  // The last resort: a crash prints one redacted line instead of Node's dump of the error and its payload.
  const crash = (error: unknown) => {
    const reason = error instanceof Error ? (error.stack ?? error.message) : String(error);
    process.stderr.write(`The bot crashed: ${redact(reason)}\n`);
    process.exit(1);
  };
  process.on('uncaughtException', crash);
  process.on('unhandledRejection', crash);
  try {
    await runBot(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Telegraf hides the token in URLs already; this also covers anything else that might echo it.
    process.stderr.write(`The bot could not run: ${redact(reason)}\n`);
    process.exit(1);
  }
  setTimeout(() => process.exit(0), EXIT_GRACE_MS).unref();
}

/** Entry point: the only place that reads process.env and may exit. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: Config | undefined;
  try {
    if (!process.env.BOT_TOKEN?.trim()) {
      // No token: the terminal chat, with the same engine and commands.
      const { defaultLang } = createTerminalConfig(process.env);
      process.exitCode = await runTerminal({ input: process.stdin, output: process.stdout, defaultLang });
      return;
    }
    config = createConfig(process.env);
  } catch (error) {
    // Bad configuration or a bad knowledge file: one readable line, no stack trace.
    if (!(error instanceof ConfigError || error instanceof KnowledgeError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  await telegram(config);
}

await main();
