import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { createLogger } from '../src/logger.js';

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
