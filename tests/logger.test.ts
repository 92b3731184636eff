import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger, createRepeatedWarning } from '../src/logger.js';
import { capturedLogger } from './support/logger.js';

function capture() {
  let out = '';
  const destination = new Writable({
    write(chunk: Buffer, _enc, done) {
      out += chunk.toString();
      done();
    },
  });
  return { destination, read: () => out };
}

describe('createLogger', () => {
  it('never writes the token or the webhook secret, wherever they appear', () => {
    const token = '123456789:AAEsecretPART_xyz';
    const { destination, read } = capture();
    const logger = createLogger({ level: 'info', secrets: [token, 'hook-secret'], destination });
    logger.info({ token }, 'plain field');
    logger.error(
      { err: new Error(`request to https://api.telegram.org/bot${token}/getMe failed`) },
      'in an error',
    );
    logger.info({ config: { mode: { secret: 'hook-secret' } }, note: `x${token}x` }, 'nested');
    const out = read();
    expect(out).not.toContain('AAEsecretPART_xyz');
    expect(out).not.toContain('hook-secret');
    expect(out.match(/\[REDACTED\]/g)?.length).toBeGreaterThanOrEqual(4);
    expect(out.split('\n').filter(Boolean)).toHaveLength(3);
  });
});

describe('createRepeatedWarning', () => {
  it('logs a warning repeated for every update once per window, with the count of the others', () => {
    const { logger, lines } = capturedLogger();
    let clock = 0;
    const warning = createRepeatedWarning(logger, 60_000, () => clock);
    // 546 failed writes within a minute (a full disk), as an outside probe saw.
    for (let i = 0; i < 546; i++) {
      clock += 100;
      warning.warn({ updateId: i }, 'could not record a handled update');
    }
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatchObject({ msg: 'could not record a handled update', updateId: 0 });
    clock += 60_000;
    warning.warn({ updateId: 999 }, 'could not record a handled update');
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ updateId: 999, repeated: 545 });
    // Another message is not held back by the first one.
    warning.warn({}, 'could not prune the update journal');
    expect(lines).toHaveLength(3);
  });

  it('reports the repeats still held back when flushed', () => {
    const { logger, lines } = capturedLogger();
    const warning = createRepeatedWarning(logger, 60_000, () => 0);
    for (let i = 0; i < 5; i++) warning.warn({ updateId: i }, 'disk full');
    warning.flush();
    warning.flush();
    expect(lines.map((l) => l.repeated)).toEqual([undefined, 4]);
  });
});
