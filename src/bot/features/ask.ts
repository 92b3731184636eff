import { Composer } from 'telegraf';
import { message } from 'telegraf/filters';
import {
  type ConversationState,
  converse,
  entryResult,
  NEW_CONVERSATION,
  parseState,
  serializeState,
  stateAfter,
} from '../../conversation/conversation.js';
import { DEFAULT_MATCHER_OPTIONS } from '../../engine/options.js';
import type { EngineResult } from '../../engine/types.js';
import { buildReply } from '../../render/reply.js';
import type { BotContext, BotDeps } from '../context.js';
import { excerpt } from '../html.js';
import { rememberLang } from '../middleware/preferences.js';
import { optional, replyText, sendView } from '../reply.js';
import type { SignalRecorder } from '../signals.js';
import { switchLanguage } from './language.js';

/** The command at the start of a message ("/foo@SomeBot rest" -> { name: "foo", to: "SomeBot" }), if any. */
function leadingCommand(ctx: BotContext): { name: string; to: string | undefined } | undefined {
  const msg = ctx.message;
  if (!msg || !('text' in msg)) return undefined;
  const entity = msg.entities?.[0];
  if (entity?.type !== 'bot_command' || entity.offset !== 0) return undefined;
  const [name = '', to] = msg.text.slice(1, entity.length).split('@');
  return { name, to };
}

/** Drops "@ThisBot" from a question asked by mentioning the bot in a group. */
function withoutMention(text: string, username: string): string {
  return text.replace(new RegExp(`@${username}\\b`, 'gi'), ' ').trim();
}

/** Longest command name quoted back in the "unknown command" hint (Telegram's own limit is 32). */
const MAX_QUOTED_COMMAND = 64;

/**
 * Counts the question for /stats and appends one the bot could not answer to the curators' log: the text,
 * its language, the best score, the reply kind and the time, never who asked or where. A failure is
 * logged; the reply goes out regardless.
 */
async function recordResult(
  { feedback, logger }: Pick<BotDeps, 'feedback' | 'logger'>,
  ctx: BotContext,
  question: string,
  result: EngineResult,
): Promise<void> {
  try {
    if (result.kind === 'answer') {
      await feedback.countAnswered();
    } else {
      await feedback.logUnanswered({
        text: question,
        lang: result.detected,
        score: result.score,
        kind: result.kind,
        at: Date.now(),
      });
    }
  } catch (err) {
    logger.warn({ err, updateId: ctx.update.update_id }, 'could not log an unanswered question');
  }
}

/** This user's conversation (see src/conversation); a new one after the TTL or on a store failure. */
export async function loadConversation(
  { store, logger }: BotDeps,
  ctx: BotContext,
): Promise<ConversationState> {
  if (!ctx.from) return { ...NEW_CONVERSATION };
  try {
    return parseState(await store.getContext(ctx.from.id));
  } catch (err) {
    logger.warn({ err, updateId: ctx.update.update_id }, 'could not read the conversation');
    return { ...NEW_CONVERSATION };
  }
}

/** Keeps a user's conversation; a store failure only costs the next follow-up. */
export async function saveConversation(
  { store, logger }: BotDeps,
  ctx: BotContext,
  state: ConversationState,
) {
  if (!ctx.from) return;
  try {
    await store.setContext(ctx.from.id, serializeState(state));
  } catch (err) {
    logger.warn({ err, updateId: ctx.update.update_id }, 'could not remember the conversation');
  }
}

/** Remembers an entry answered by a button or a command, as if the user had asked for it. */
export async function rememberEntry(deps: BotDeps, ctx: BotContext, entryId: string): Promise<void> {
  const engine = deps.live.current();
  const result = entryResult(engine, [entryId], ctx.lang);
  if (result)
    await saveConversation(deps, ctx, stateAfter(engine, await loadConversation(deps, ctx), result));
}

/** Text messages: questions go to the engine; commands nobody handled get a hint. */
export function askFeature(deps: BotDeps, signals?: SignalRecorder): Composer<BotContext> {
  const { live, logger } = deps;
  const composer = new Composer<BotContext>();
  const { maxQueryLength } = DEFAULT_MATCHER_OPTIONS;

  composer.on(message('text'), async (ctx) => {
    const command = leadingCommand(ctx);
    if (command) {
      // In a group, a bare unknown "/cmd" or "/cmd@OtherBot" is for another bot: only "/cmd@ThisBot" gets
      // a hint. A private chat has no other bot, so every command there gets one.
      const ours = command.to === undefined || command.to.toLowerCase() === ctx.me.toLowerCase();
      const forUs = ctx.chat.type === 'private' || (ours && command.to !== undefined);
      if (!forUs) return;
      const name = ours ? `/${command.name}` : `/${command.name}@${command.to}`;
      return replyText(ctx, ctx.t('bot.unknownCommand', { command: excerpt(name, MAX_QUOTED_COMMAND) }));
    }
    const question = withoutMention(ctx.message.text, ctx.me);
    if (!question) return replyText(ctx, ctx.t('ask.empty'));

    const engine = live.current();
    const conversation = await loadConversation(deps, ctx);
    const started = performance.now();
    const { turn, state, chosen } = converse(engine, conversation, question, {
      chosen: ctx.storedLang,
      fallbackLang: ctx.fallbackLang,
    });
    deps.metrics?.observeEngine((performance.now() - started) / 1000);
    // "по-русски, пожалуйста" with no answer to say again switches the reply language, as /lang ru does.
    if (turn.kind === 'switched') {
      await switchLanguage(ctx, deps.store, turn.lang);
      return saveConversation(deps, ctx, state);
    }
    const { result } = turn;
    void optional(logger, ctx, 'sendChatAction', () => ctx.sendChatAction('typing'));
    // "…? Answer in Russian", "again in Russian": this reply is in Russian, and so are the next ones.
    if (chosen) await rememberLang(ctx, deps.store, chosen);
    ctx.useLang(result.lang);
    // The engine reads only the start of a very long message; the reply says so in its first line.
    const note =
      question.length > maxQueryLength ? ctx.t('ask.truncated', { max: maxQueryLength }) : undefined;
    await sendView(ctx, buildReply(result, engine, ctx.t), { engine, logger: deps.logger }, note);
    deps.metrics?.countAnswer(result.kind, result.lang);
    // Counted once answered: a reply cut short (say by a shutdown) is handled again later, and counted then.
    await recordResult(deps, ctx, question, result);
    await signals?.question(ctx.from.id, question, result);
    await saveConversation(deps, ctx, state);
  });
  return composer;
}
