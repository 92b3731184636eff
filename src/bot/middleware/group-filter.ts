import type { MiddlewareFn } from 'telegraf';
import type { MessageEntity } from 'telegraf/types';
import type { BotContext } from '../context.js';

/** Whether a message in a group is meant for the bot: a command, a mention, or a reply to the bot. */
export function isAddressedToBot(ctx: BotContext): boolean {
  const message = ctx.message;
  if (!message) return true;
  const text = 'text' in message ? message.text : 'caption' in message ? (message.caption ?? '') : '';
  const entities: MessageEntity[] =
    ('entities' in message ? message.entities : undefined) ??
    ('caption_entities' in message ? message.caption_entities : undefined) ??
    [];
  const me = ctx.botInfo;
  const username = `@${me.username}`.toLowerCase();
  const addressed = entities.some(
    (e) =>
      (e.type === 'bot_command' && e.offset === 0) ||
      (e.type === 'mention' && text.slice(e.offset, e.offset + e.length).toLowerCase() === username) ||
      (e.type === 'text_mention' && e.user.id === me.id),
  );
  const repliedTo = 'reply_to_message' in message ? message.reply_to_message : undefined;
  return addressed || repliedTo?.from?.id === me.id;
}

/** In groups the bot stays quiet unless addressed; private chats, buttons and inline queries pass. */
export function groupFilterMiddleware(): MiddlewareFn<BotContext> {
  return (ctx, next) => {
    const type = ctx.chat?.type;
    const inGroup = type === 'group' || type === 'supergroup';
    if (inGroup && ctx.message && !isAddressedToBot(ctx)) return;
    // Channels post without a user to answer; edits of old messages are not new questions.
    if (ctx.channelPost || ctx.editedChannelPost || ctx.editedMessage) return;
    return next();
  };
}
