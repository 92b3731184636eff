import { describe, expect, it } from 'vitest';
import { createFloodControl, DEFAULT_FLOOD_OPTIONS } from '../../src/bot/middleware/flood.js';
import { buttonPress, createHarness, mediaMessage, textMessage, tr } from './helpers.js';

describe('flood control', () => {
  it('lets a burst through, then says so once, then ignores the rest until the user slows down', () => {
    const control = createFloodControl({ burst: 3, perSecond: 1 });
    const verdicts = Array.from({ length: 8 }, () => control.check(1, 1000));
    expect(verdicts).toEqual(['pass', 'pass', 'pass', 'notice', 'drop', 'drop', 'drop', 'drop']);
    // One second later there is room for one more; still the same flood, so no second notice.
    expect([control.check(1, 2000), control.check(1, 2000)]).toEqual(['pass', 'drop']);
    // After a pause long enough to fill the bucket, a new flood gets a new notice.
    expect(Array.from({ length: 5 }, () => control.check(1, 10_000))).toEqual([
      'pass',
      'pass',
      'pass',
      'notice',
      'drop',
    ]);
  });

  it('keeps users apart', () => {
    const control = createFloodControl({ burst: 2, perSecond: 1 });
    for (let i = 0; i < 10; i++) control.check(1, 0);
    expect(control.check(2, 0)).toBe('pass');
  });

  it('in the bot: dozens of messages a second get the first answers and one polite, localized notice; others are not affected', async () => {
    // The clock stands still: all 40 arrive "at once", however long the test machine takes.
    const h = createHarness({ deps: { now: () => 1_000 } });
    const flooder = { id: 66, language_code: 'ru' };
    for (let i = 0; i < 40; i++) await h.handle(textMessage(`Когда открылся форум? ${i}`, flooder));
    const toFlooder = h.seen().filter((m) => m.chatId === flooder.id);
    expect(toFlooder).toHaveLength(DEFAULT_FLOOD_OPTIONS.burst + 1);
    expect(toFlooder.filter((m) => m.text === tr('ru', 'flood.slowDown'))).toHaveLength(1);
    expect(toFlooder.at(-1)?.text).toBe(tr('ru', 'flood.slowDown'));

    await h.handle(textMessage('When did the forum open?', { id: 67, language_code: 'en' }));
    expect(h.seen().filter((m) => m.chatId === 67)).toHaveLength(1);
  });

  it('counts stickers and photos too, but not button presses', async () => {
    const h = createHarness({ deps: { flood: { burst: 1, perSecond: 0.001 } } });
    const user = { id: 68, language_code: 'en' };
    await h.handle(mediaMessage('sticker', user));
    await h.handle(mediaMessage('photo', user));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'bot.nonText'), tr('en', 'flood.slowDown')]);
    await h.handle(buttonPress('e:en:forum-date', user));
    expect(h.callsOf('answerCallbackQuery')).toHaveLength(1);
  });
});
