import { ConfigError } from '../config.js';
import { runDevTelegram } from '../dev/telegram-chat.js';
import { KnowledgeError } from '../knowledge/load.js';

/** Once the bot and the emulator are stopped, anything still holding the event loop gets this long. */
const EXIT_GRACE_MS = 500;

try {
  process.exitCode = await runDevTelegram(
    { input: process.stdin, output: process.stdout, errors: process.stderr },
    { defaultLang: process.env.DEFAULT_LANG?.trim() || undefined },
  );
} catch (error) {
  // A bad DEFAULT_LANG or knowledge file: one readable line, no stack trace.
  if (!(error instanceof ConfigError || error instanceof KnowledgeError)) throw error;
  process.stderr.write(`${error.message}\n`);
  process.exitCode = 1;
}
setTimeout(() => process.exit(), EXIT_GRACE_MS).unref();
