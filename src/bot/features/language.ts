import { Composer, Markup } from 'telegraf';
import { LANGS, type Lang } from '../../knowledge/schema.js';
import { languageNames, parseLang } from '../../language/choice.js';
import { onCallback, packCallback } from '../callback-data.js';
import type { BotContext, BotDeps } from '../context.js';
import { escapeHtml, excerpt } from '../html.js';
import { rememberLang } from '../middleware/preferences.js';
import { replyText } from '../reply.js';

/** Longest unknown language name quoted back to the user. */
const MAX_QUOTED_VALUE = 64;

/** Stores a user's language choice and confirms it in that language (/lang ru, "по-русски, пожалуйста"). */
export async function switchLanguage(ctx: BotContext, store: BotDeps['store'], lang: Lang): Promise<void> {
  await rememberLang(ctx, store, lang);
  await replyText(ctx, ctx.t('language.changed'));
}

/** /lang with a keyboard of the three languages, /lang <code>, and the keyboard's buttons. */
export function languageFeature({ store, i18n, logger }: BotDeps): Composer<BotContext> {
  const composer = new Composer<BotContext>();
  const names = languageNames(i18n);

  const keyboard = (ctx: BotContext) =>
    Markup.inlineKeyboard(
      LANGS.map((lang) => {
        const name = ctx.t(`language.name.${lang}`);
        const label = lang === ctx.storedLang ? ctx.t('language.selected', { name }) : name;
        return Markup.button.callback(label, packCallback({ type: 'lang', lang }));
      }),
    ).reply_markup;

  composer.command('lang', async (ctx) => {
    const arg = ctx.payload.trim();
    if (!arg) return replyText(ctx, ctx.t('language.choose'), keyboard(ctx));
    const lang = parseLang(arg, names);
    if (!lang) {
      const value = excerpt(arg, MAX_QUOTED_VALUE);
      return replyText(ctx, ctx.t('language.unknown', { value }), keyboard(ctx));
    }
    await switchLanguage(ctx, store, lang);
  });

  composer.use(
    onCallback('lang', async (ctx, { lang }) => {
      await rememberLang(ctx, store, lang);
      const done = ctx.t('language.changed');
      await ctx.answerCbQuery(done);
      try {
        await ctx.editMessageText(escapeHtml(done), { parse_mode: 'HTML' });
      } catch (err) {
        // The keyboard's message may be too old to edit; say it in a new message instead.
        logger.debug({ err, updateId: ctx.update.update_id }, 'cannot edit the language menu');
        await replyText(ctx, done);
      }
    }),
  );
  return composer;
}
