import { existsSync } from 'node:fs';
import { runBot } from './bot/run.js';
import { runTerminal } from './cli/terminal.js';
import { type Config, ConfigError, createConfig } from './config.js';

/** Entry point: the only place that reads process.env and may exit. */
async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const token = process.env.BOT_TOKEN?.trim();
  if (!token) {
    const code = await runTerminal({ input: process.stdin, output: process.stdout });
    process.exitCode = code;
    return;
  }
  // BOT: the Telegram bot takes over here (issue 3).
  let config: Config;
  try {
    config = createConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`${error.message}\n`);
    process.exit(1);
  }
  try {
    await runBot(config);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    // Telegraf hides the token in URLs already; this also covers anything else that might echo it.
    process.stderr.write(`The bot could not run: ${reason.replaceAll(config.token, '[REDACTED]')}\n`);
    process.exit(1);
  }
}

await main();
