import { describe, expect, it } from 'vitest';
import type { Engine } from '../../src/engine/types.js';
import { buttonPress, createHarness, realEngine, textMessage, tr } from './helpers.js';

const { engine } = realEngine();
const broken: Engine = {
  ...engine,
  ask: () => {
    throw new Error('index corrupted');
  },
  entry: () => {
    throw new Error('index corrupted');
  },
};

describe('error boundary', () => {
  it('logs the error with the update id and apologizes in the user language', async () => {
    const h = createHarness({ engine: broken });
    await h.handle(textMessage('When did the forum open?', { id: 1, language_code: 'zh-hans' }));
    expect(h.seen().map((m) => m.text)).toEqual([tr('zh', 'errors.internal')]);
    const error = h.logs.find((l) => l.level === 50);
    expect(error).toMatchObject({ updateId: expect.any(Number), msg: 'error while handling an update' });
    expect(error?.err).toMatchObject({ message: 'index corrupted' });
  });

  it('apologizes with a toast for a failing button', async () => {
    const h = createHarness({ engine: broken });
    await h.handle(buttonPress('e:ru:forum-date', { id: 1, language_code: 'ru' }));
    expect(h.toasts()).toEqual([tr('ru', 'errors.internal')]);
  });

  it('survives when even the apology cannot be sent', async () => {
    const h = createHarness({ engine: broken, failing: ['sendMessage'] });
    await expect(h.handle(textMessage('hello', { id: 1, language_code: 'en' }))).resolves.toBeUndefined();
    expect(h.logs.map((l) => l.msg)).toContain('could not send the apology');
  });

  it('a failing answer (Telegram refuses sendMessage) is logged, not thrown', async () => {
    const h = createHarness({ failing: ['sendMessage'] });
    await expect(h.handle(textMessage('When did the forum open?', { id: 1 }))).resolves.toBeUndefined();
    expect(h.logs.some((l) => l.msg === 'error while handling an update')).toBe(true);
  });
});
