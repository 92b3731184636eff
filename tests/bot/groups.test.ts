import { describe, expect, it } from 'vitest';
import { BOT_INFO, createHarness, mediaMessage, realEngine, textMessage, tr } from './helpers.js';

const { engine } = realEngine();
const group = { id: -1001, type: 'supergroup' as const };
const member = { id: 31, language_code: 'en' };
const answer = () => engine.entry('forum-date')?.i18n.en.answer ?? '';

describe('groups', () => {
  it('stays quiet when members talk among themselves', async () => {
    const h = createHarness();
    await h.handle(textMessage('When did the forum open?', member, group));
    expect(h.calls).toEqual([]);
  });

  it('answers a mention, without the mention getting in the way, quoting the question', async () => {
    const h = createHarness();
    await h.handle(textMessage(`@${BOT_INFO.username} When did the forum open?`, member, group));
    const reply = h.seen()[0];
    expect(reply?.text).toContain(answer());
    expect(reply?.chatId).toBe(group.id);
    expect(reply?.payload.reply_parameters).toMatchObject({ allow_sending_without_reply: true });
  });

  it('answers a reply to one of its messages', async () => {
    const h = createHarness();
    const reply_to_message = {
      message_id: 9,
      date: 0,
      chat: { id: group.id, type: 'supergroup', title: 'Readers' },
      from: { id: BOT_INFO.id, is_bot: true, first_name: BOT_INFO.first_name },
      text: 'earlier answer',
    };
    await h.handle(textMessage('When did the forum open?', member, group, { reply_to_message }));
    expect(h.seen()[0]?.text).toContain(answer());
  });

  it('answers its commands, also with its @username', async () => {
    const h = createHarness();
    await h.handle(textMessage('/help', member, group));
    await h.handle(textMessage(`/help@${BOT_INFO.username}`, member, group));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'help.text'), tr('en', 'help.text')]);
  });

  it('ignores commands meant for another bot', async () => {
    const h = createHarness();
    await h.handle(textMessage('/help@OtherBot', member, group));
    await h.handle(textMessage('/weather@OtherBot', member, group));
    expect(h.calls).toEqual([]);
  });

  it('explains an unknown command only when it names this bot', async () => {
    const h = createHarness();
    await h.handle(textMessage('/weather', member, group));
    expect(h.calls).toEqual([]);
    await h.handle(textMessage(`/weather@${BOT_INFO.username}`, member, group));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'bot.unknownCommand', { command: '/weather' })]);
  });

  it('ignores stickers and photos that are not replies to it', async () => {
    const h = createHarness();
    const sticker = mediaMessage('sticker', member);
    Object.assign((sticker as { message: object }).message, {
      chat: { id: group.id, type: 'supergroup', title: 'Readers' },
    });
    await h.handle(sticker);
    expect(h.calls).toEqual([]);
  });

  it('a mention with no question asks for one', async () => {
    const h = createHarness();
    await h.handle(textMessage(`@${BOT_INFO.username}`, member, group));
    expect(h.seen().map((m) => m.text)).toEqual([tr('en', 'ask.empty')]);
  });
});
