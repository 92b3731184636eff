import { Composer } from 'telegraf';
import type { InlineQueryResultArticle } from 'telegraf/types';
import type { Entry, EntryRef, Lang } from '../../engine/types.js';
import { type BotContext, type BotDeps, currentEngine } from '../context.js';
import { escapeHtml, tag } from '../html.js';

/** Telegram shows at most this many inline answers from us. */
export const MAX_INLINE_RESULTS = 5;
/** Seconds Telegram may cache inline answers (per user: the language depends on the user). */
export const INLINE_CACHE_SECONDS = 60;
const DESCRIPTION_LENGTH = 120;

function article(entry: Entry, lang: Lang): InlineQueryResultArticle {
  const { title, answer } = entry.i18n[lang];
  const flat = answer.replace(/\s+/g, ' ');
  return {
    type: 'article',
    id: `${lang}:${entry.id}`.slice(0, 64),
    title,
    description: flat.length > DESCRIPTION_LENGTH ? `${flat.slice(0, DESCRIPTION_LENGTH - 1)}…` : flat,
    input_message_content: {
      message_text: `${tag('b', escapeHtml(title))}\n\n${escapeHtml(answer)}`,
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
    },
  };
}

/** Inline mode: "@bot question" in any chat offers up to 5 answers as articles in the user's language. */
export function inlineFeature(deps: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  composer.on('inline_query', async (ctx) => {
    const engine = currentEngine(deps);
    const query = ctx.inlineQuery.query.trim();
    let lang: Lang = ctx.lang;
    let hits: EntryRef[];
    if (query) {
      const found = engine.search(query, {
        lang: ctx.storedLang,
        fallbackLang: ctx.fallbackLang,
        limit: MAX_INLINE_RESULTS,
      });
      ({ lang, hits } = found);
    } else {
      // Nothing typed yet: offer the topics' overviews.
      hits = engine.topics.map((t) => ({ id: t.entry, title: t.label[lang], score: 1 }));
    }
    ctx.useLang(lang);
    const results = hits
      .map((hit) => engine.entry(hit.id))
      .filter((entry): entry is Entry => entry !== undefined)
      .slice(0, MAX_INLINE_RESULTS)
      .map((entry) => article(entry, lang));
    await ctx.answerInlineQuery(results, {
      cache_time: INLINE_CACHE_SECONDS,
      is_personal: true,
      button: { text: ctx.t('inline.openBot'), start_parameter: 'inline' },
    });
  });
  return composer;
}
