import { existsSync } from 'node:fs';
import { fail, wantsJson } from '../cli/args.js';
import { runKbUnanswered } from '../cli/kb-unanswered.js';
import { ConfigError, createTerminalConfig } from '../config.js';

// `npm run kb:unanswered | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

/** The exit code of the report, or 1 when the configuration (from the environment and .env) is bad. */
async function main(argv: string[]): Promise<number> {
  try {
    // The same STORE_URL or DATA_DIR the bot uses: from the environment, else from .env like `npm start`
    // (the environment wins); every variable is checked, as the bot would at start.
    if (existsSync('.env')) process.loadEnvFile('.env');
    createTerminalConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    return fail(process, wantsJson(argv), error.message, 1);
  }
  return runKbUnanswered(argv, { dataDir: process.env.DATA_DIR, storeUrl: process.env.STORE_URL });
}

process.exitCode = await main(process.argv.slice(2));
