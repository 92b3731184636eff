import { Composer } from 'telegraf';
import { entryReply } from '../../render/reply.js';
import { onCallback } from '../callback-data.js';
import type { BotContext, BotDeps } from '../context.js';
import { replyHtml, sendView, sourceHtml } from '../reply.js';
import type { SignalRecorder } from '../signals.js';
import { rememberEntry } from './ask.js';

/** Buttons under answers: follow-ups, "did you mean", topics (all answer an entry) and "source". */
export function callbacksFeature(deps: BotDeps, signals?: SignalRecorder): Composer<BotContext> {
  const { live, logger } = deps;
  const composer = new Composer<BotContext>();

  // The language of the message the button was under, unless the user has explicitly chosen one.
  composer.use(
    onCallback('entry', async (ctx, action) => {
      const engine = live.current();
      const entry = engine.entry(action.id);
      if (!entry) return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      ctx.useLang(ctx.storedLang ?? action.lang);
      await ctx.answerCbQuery();
      await sendView(ctx, entryReply(entry, ctx.lang, ctx.t), { engine, logger });
      await rememberEntry(deps, ctx, entry.id);
      // A "did you mean" choice when it follows a question that offered it (see curate/suggest.ts).
      if (ctx.from) await signals?.press(ctx.from.id, entry.id);
    }),
  );

  composer.use(
    onCallback('source', async (ctx, action) => {
      const entry = live.current().entry(action.id);
      if (!entry || entry.source.length === 0) return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      ctx.useLang(ctx.storedLang ?? action.lang);
      await ctx.answerCbQuery();
      await replyHtml(ctx, sourceHtml(entry, ctx.t));
    }),
  );
  return composer;
}
