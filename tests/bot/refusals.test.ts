import { afterEach, describe, expect, it, vi } from 'vitest';
import { createRefusalLog } from '../../src/bot/refusals.js';
import { capturedLogger } from '../support/logger.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('refusal log', () => {
  it('logs the first refusal at once, then one line per interval with the count, by reason', () => {
    vi.useFakeTimers();
    const { logger, lines } = capturedLogger();
    const log = createRefusalLog(logger, 60_000);
    log.refused('unauthorized', '203.0.113.9');
    expect(lines).toEqual([expect.objectContaining({ reason: 'unauthorized', remote: '203.0.113.9' })]);
    for (let i = 0; i < 500; i += 1) log.refused(i % 5 === 0 ? 'too_large' : 'unauthorized', '203.0.113.9');
    expect(lines).toHaveLength(1);
    vi.advanceTimersByTime(60_000);
    expect(lines).toHaveLength(2);
    expect(lines[1]).toMatchObject({ count: 500, reasons: { unauthorized: 400, too_large: 100 } });
    // A quiet interval ends the window: the next refusal is seen at once again.
    vi.advanceTimersByTime(60_000);
    log.refused('not_found', '198.51.100.1');
    expect(lines).toHaveLength(3);
    expect(lines[2]).toMatchObject({ reason: 'not_found' });
  });

  it('tells what is left at shutdown', () => {
    vi.useFakeTimers();
    const { logger, lines } = capturedLogger();
    const log = createRefusalLog(logger, 60_000);
    log.refused('unauthorized', undefined);
    log.refused('unauthorized', undefined);
    log.flush();
    expect(lines.map((l) => l.count)).toEqual([undefined, 1]);
    log.flush();
    expect(lines).toHaveLength(2);
  });
});
