import { runAsk } from '../cli/ask.js';
import { KnowledgeError } from '../knowledge/load.js';

try {
  process.exitCode = await runAsk(process.argv.slice(2));
} catch (error) {
  if (!(error instanceof KnowledgeError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
