import { type DestinationStream, type Logger, pino } from 'pino';
import type { LogLevel } from './config.js';

export type { Logger };

/** Options of createLogger. */
export interface LoggerOptions {
  level: LogLevel;
  /** Strings that must never appear in a log line (the bot token, the webhook secret); replaced everywhere. */
  secrets?: readonly string[];
  /** Where lines go; standard output by default. */
  destination?: DestinationStream;
}

const REDACTED = '[REDACTED]';

/** A function that replaces every occurrence of the secrets in a text with "[REDACTED]". */
export function createRedactor(secrets: readonly string[]): (text: string) => string {
  const hidden = secrets.filter((s) => s.length > 0);
  return (text) => hidden.reduce((acc, secret) => acc.replaceAll(secret, REDACTED), text);
}

/** Structured JSON logs with the token and other secrets redacted, whatever field or message they hide in. */
export function createLogger({ level, secrets = [], destination }: LoggerOptions): Logger {
  const hidden = secrets.filter((s) => s.length > 0);
  // JSON escaping leaves tokens ([0-9A-Za-z:_-]) and secrets unchanged, so a plain replace on the line is safe.
  const scrub = createRedactor(hidden);
  return pino(
    {
      level,
      base: undefined,
      redact: { paths: ['token', '*.token', 'config.mode.secret', 'secret', '*.secret'], censor: REDACTED },
      hooks: hidden.length > 0 ? { streamWrite: scrub } : {},
    },
    destination ?? pino.destination({ dest: 1, sync: true }),
  );
}
