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

/** How long repeats of one warning are only counted, after it was logged; DEFAULT_REPEAT_WINDOW_MS. */
export const DEFAULT_REPEAT_WINDOW_MS = 60_000;

/** A warning that may repeat for every update (a full disk, a store gone): logged once per window. */
export interface RepeatedWarning {
  /** Logs the warning, or counts it if it was logged less than a window ago. */
  warn(fields: Record<string, unknown>, msg: string): void;
  /** Logs the count of repeats not yet reported (at shutdown), so none goes unmentioned. */
  flush(): void;
}

/**
 * Rate-limits warnings by message: the first is logged, the next ones within `windowMs` only counted,
 * and the next one logged after the window carries `repeated` (how many were held back since). A disk
 * that fills up then gives one line a minute, not one per update.
 */
export function createRepeatedWarning(
  logger: Logger,
  windowMs: number = DEFAULT_REPEAT_WINDOW_MS,
  now: () => number = Date.now,
): RepeatedWarning {
  const seen = new Map<string, { at: number; held: number; fields: Record<string, unknown> }>();
  return {
    warn(fields, msg) {
      const at = now();
      const last = seen.get(msg);
      if (last && at - last.at < windowMs) {
        last.held += 1;
        last.fields = fields;
        return;
      }
      seen.set(msg, { at, held: 0, fields });
      logger.warn(last?.held ? { ...fields, repeated: last.held } : fields, msg);
    },
    flush() {
      for (const [msg, last] of seen) {
        if (last.held > 0) logger.warn({ ...last.fields, repeated: last.held }, msg);
        last.held = 0;
      }
    },
  };
}
