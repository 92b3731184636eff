import { describe, expect, it } from 'vitest';
import { uptimeParts } from '../../src/bot/features/stats.js';
import { createHarness, textMessage, tr } from './helpers.js';

const ADMIN = { id: 1001, language_code: 'en' };
const OTHER = { id: 2002, language_code: 'en' };
const HOUR = 3_600_000;

describe('/stats', () => {
  it('shows an admin the questions answered and not, the votes and the uptime, in their language', async () => {
    const startedAt = 1_000_000;
    const h = createHarness({
      deps: { adminIds: [ADMIN.id], startedAt, now: () => startedAt + 26 * HOUR + 5 * 60_000 },
    });
    const asker = { id: 3003, language_code: 'ru' };
    await h.handle(textMessage('When did the forum open?', asker));
    await h.handle(textMessage('Where was the forum held?', asker));
    await h.handle(textMessage('What is the price of bitcoin today?', asker));
    await h.feedback.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'en', at: 1 });
    await h.feedback.recordVote({ entryId: 'forum-date', vote: 'down', lang: 'en', at: 2 });
    await h.feedback.recordVote({ entryId: 'forum-venue', vote: 'up', lang: 'en', at: 3 });
    h.clear();

    await h.handle(textMessage('/stats', { ...ADMIN, language_code: 'ru' }));
    const uptime = tr('ru', 'stats.uptime', { days: 1, hours: 2, minutes: 5 });
    expect(h.seen().map((m) => m.text)).toEqual([
      tr('ru', 'stats.text', { answered: 2, unanswered: 1, up: 2, down: 1, uptime }),
    ]);
  });

  it('is an unknown command for everyone else, and for an admin in a group', async () => {
    const h = createHarness({ deps: { adminIds: [ADMIN.id] } });
    await h.handle(textMessage('/stats', OTHER));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'bot.unknownCommand', { command: '/stats' })]);
    h.clear();
    await h.handle(textMessage('/stats', ADMIN, { id: -100_1, type: 'supergroup' }));
    await h.handle(textMessage('/stats@ForumFaqBot', ADMIN, { id: -100_1, type: 'supergroup' }));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'bot.unknownCommand', { command: '/stats' })]);
  });

  it('with no ADMIN_IDS, nobody is an admin', async () => {
    const h = createHarness();
    await h.handle(textMessage('/stats', ADMIN));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'bot.unknownCommand', { command: '/stats' })]);
  });

  it('splits an uptime into days, hours and minutes', () => {
    expect(uptimeParts(0)).toEqual({ days: 0, hours: 0, minutes: 0 });
    expect(uptimeParts(3 * 24 * HOUR + 23 * HOUR + 59 * 60_000 + 59_999)).toEqual({
      days: 3,
      hours: 23,
      minutes: 59,
    });
  });
});
