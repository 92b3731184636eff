import { existsSync } from 'node:fs';
import { runKbSuggest } from '../cli/kb-suggest.js';

// `npm run kb:suggest | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

// The same STORE_URL or DATA_DIR the bot uses: from the environment, else from .env like `npm start` (the environment wins).
if (existsSync('.env')) process.loadEnvFile('.env');
process.exitCode = await runKbSuggest(process.argv.slice(2), {
  dataDir: process.env.DATA_DIR,
  storeUrl: process.env.STORE_URL,
});
