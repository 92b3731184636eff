import { Composer } from 'telegraf';
import { parseLang } from '../../language/choice.js';
import { entryReply } from '../../render/reply.js';
import type { BotContext, BotDeps } from '../context.js';
import { rememberLang } from '../middleware/preferences.js';
import { replyText, sendView, topicsKeyboard } from '../reply.js';

// Deep links like t.me/<bot>?start=lang_ru set the language.
const LANG_PAYLOAD = /^lang[_-]([a-z]{2})$/i;

/** /start: a welcome with topic buttons; deep-link payloads open a topic or an entry, or set the language. */
export function startFeature(deps: BotDeps): Composer<BotContext> {
  const { live, store, logger } = deps;
  const composer = new Composer<BotContext>();
  composer.start(async (ctx) => {
    const engine = live.current();
    const payload = ctx.payload.trim();
    const lang = parseLang(LANG_PAYLOAD.exec(payload)?.[1]);
    if (lang) {
      await rememberLang(ctx, store, lang);
    } else if (payload) {
      const topic = engine.topics.find((t) => t.id === payload);
      const entry = engine.entry(topic ? topic.entry : payload);
      if (entry) return sendView(ctx, entryReply(entry, ctx.lang, ctx.t), { engine, logger });
    }
    await replyText(ctx, ctx.t('start.welcome'), topicsKeyboard(engine, ctx.lang));
  });
  return composer;
}
