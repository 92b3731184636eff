import { runAsk } from '../cli/ask.js';

// `npm run ask -- ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = await runAsk(process.argv.slice(2));
