import { runKbCheck } from '../cli/kb-check.js';

// `npm run kb:check -- ... | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

process.exitCode = runKbCheck(process.argv.slice(2));
