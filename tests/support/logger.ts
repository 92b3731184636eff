import { Writable } from 'node:stream';
import { type Level, pino } from 'pino';

/** A pino logger that keeps every line it writes, parsed, for tests to read. */
export function capturedLogger(level: Level = 'debug') {
  const lines: Array<Record<string, unknown>> = [];
  const logger = pino(
    { level },
    new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(JSON.parse(chunk.toString('utf8')) as Record<string, unknown>);
        done();
      },
    }),
  );
  return { logger, lines };
}
