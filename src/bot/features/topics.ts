import { Composer } from 'telegraf';
import { entryReply } from '../../render/reply.js';
import type { BotContext, BotDeps } from '../context.js';
import { replyText, sendView, topicsKeyboard } from '../reply.js';
import { loadConversation, rememberEntry, saveConversation } from './ask.js';

/** Commands that answer a topic's overview entry directly: command name -> topic id in topics.json. */
export const TOPIC_COMMANDS = { agreements: 'agreements', speakers: 'speakers' } as const;

/** /topics (topic buttons) and the topic commands /agreements and /speakers. */
export function topicsFeature(deps: BotDeps): Composer<BotContext> {
  const { live, logger } = deps;
  const composer = new Composer<BotContext>();
  composer.command('topics', async (ctx) => {
    const engine = live.current();
    await replyText(ctx, ctx.t('topics.title'), topicsKeyboard(engine, ctx.lang));
    // "2" now picks the second topic, as in the terminal chat.
    const state = await loadConversation(deps, ctx);
    await saveConversation(deps, ctx, { ...state, shown: engine.topics.map((t) => t.entry) });
  });
  for (const [command, topicId] of Object.entries(TOPIC_COMMANDS)) {
    composer.command(command, async (ctx) => {
      const engine = live.current();
      const topic = engine.topics.find((t) => t.id === topicId);
      const entry = topic && engine.entry(topic.entry);
      // A knowledge base without this topic still gets a helpful reply rather than silence.
      if (!entry) return replyText(ctx, ctx.t('topics.title'), topicsKeyboard(engine, ctx.lang));
      await sendView(ctx, entryReply(entry, ctx.lang, ctx.t), { engine, logger });
      await rememberEntry(deps, ctx, entry.id);
    });
  }
  return composer;
}
