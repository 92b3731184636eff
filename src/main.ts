import { existsSync } from 'node:fs';
import { runTerminal } from './cli/terminal.js';

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
  process.stderr.write('BOT_TOKEN is set, but the Telegram bot is not part of this build yet.\n');
  process.exitCode = 1;
}

await main();
