import { Markup } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import type { Engine, Entry, Lang } from '../engine/types.js';
import type { Translate } from '../i18n.js';
import type { Logger } from '../logger.js';
import { type Choice, type ReplyView, topicChoices } from '../render/reply.js';
import { packCallback, unpackCallback } from './callback-data.js';
import type { BotContext, BotDeps } from './context.js';
import { escapeHtml, splitHtml, tag } from './html.js';

/** At most this many follow-up buttons (runners-up and related entries) under an answer. */
export const MAX_FOLLOW_UPS = 5;

/** The answer or lead-in as Telegram HTML: the entry's title in bold, then the text, all escaped. */
export function viewHtml(view: ReplyView): string {
  const parts: string[] = [];
  if (view.entry) parts.push(tag('b', escapeHtml(view.entry.i18n[view.lang].title)));
  parts.push(escapeHtml(view.body));
  if (view.choicesHeader) parts.push(escapeHtml(view.choicesHeader));
  return parts.join('\n\n');
}

const entryButton = (choice: Choice, lang: Lang): InlineKeyboardButton =>
  Markup.button.callback(choice.title, packCallback({ type: 'entry', lang, id: choice.id }));

/** Buttons of the topic list, two per row. */
export function topicsKeyboard(engine: Engine, lang: Lang): InlineKeyboardMarkup {
  const buttons = topicChoices(engine, lang).map((choice) => entryButton(choice, lang));
  return Markup.inlineKeyboard(buttons, { columns: 2 }).reply_markup;
}

/** Buttons under a reply: its choices, the entry's related follow-ups, and a "source" button. */
export function viewKeyboard(
  view: ReplyView,
  engine: Engine,
  t: Translate,
): InlineKeyboardMarkup | undefined {
  const { lang, entry } = view;
  if (view.choicesKind === 'topics') return topicsKeyboard(engine, lang);
  const choices = [...view.choices];
  if (entry) {
    for (const id of entry.related) {
      const related = engine.entry(id);
      if (related && id !== entry.id && !choices.some((c) => c.id === id)) {
        choices.push({ id, title: related.i18n[lang].title });
      }
    }
  }
  const rows = choices.slice(0, MAX_FOLLOW_UPS).map((choice) => [entryButton(choice, lang)]);
  if (entry && entry.source.length > 0) {
    rows.push([
      Markup.button.callback(t('bot.sourceButton'), packCallback({ type: 'source', lang, id: entry.id })),
    ]);
  }
  // Small talk ("hello", "thanks") is not an answer worth rating.
  if (entry && entry.kind !== 'chitchat') rows.push(voteRow(entry.id, lang, t));
  return rows.length > 0 ? Markup.inlineKeyboard(rows).reply_markup : undefined;
}

/** The 👍 / 👎 row under an answer. */
export function voteRow(id: string, lang: Lang, t: Translate): InlineKeyboardButton[] {
  return (['up', 'down'] as const).map((vote) =>
    Markup.button.callback(t(`feedback.${vote}`), packCallback({ type: 'vote', lang, id, vote })),
  );
}

/** A message's keyboard without its vote buttons (rows left empty are dropped); undefined if nothing is left. */
export function withoutVoteButtons(
  markup: InlineKeyboardMarkup | undefined,
): InlineKeyboardMarkup | undefined {
  const rows = (markup?.inline_keyboard ?? [])
    .map((row) =>
      row.filter((b) => !('callback_data' in b) || unpackCallback(b.callback_data)?.type !== 'vote'),
    )
    .filter((row) => row.length > 0);
  return rows.length > 0 ? { inline_keyboard: rows } : undefined;
}

/** The article sentence(s) an entry comes from, quoted. */
export function sourceHtml(entry: Entry, t: Translate): string {
  const quotes = entry.source.map((sentence) => tag('blockquote', escapeHtml(sentence)));
  return [tag('b', escapeHtml(t('ask.source'))), ...quotes].join('\n\n');
}

/** Sends HTML split into as many messages as needed; the keyboard goes under the last one. */
export async function replyHtml(
  ctx: BotContext,
  html: string,
  keyboard?: InlineKeyboardMarkup,
): Promise<void> {
  const chunks = splitHtml(html);
  const inGroup = ctx.chat?.type === 'group' || ctx.chat?.type === 'supergroup';
  const quoted = inGroup ? ctx.message?.message_id : undefined;
  for (const [i, chunk] of chunks.entries()) {
    const last = i === chunks.length - 1;
    await ctx.reply(chunk, {
      parse_mode: 'HTML',
      link_preview_options: { is_disabled: true },
      // In a busy group, quote the question so the answer is easy to follow.
      ...(i === 0 && quoted !== undefined
        ? { reply_parameters: { message_id: quoted, allow_sending_without_reply: true } }
        : {}),
      ...(last && keyboard ? { reply_markup: keyboard } : {}),
    });
  }
}

/** Sends a plain UI string (escaped) with an optional keyboard. */
export function replyText(ctx: BotContext, text: string, keyboard?: InlineKeyboardMarkup): Promise<void> {
  return replyHtml(ctx, escapeHtml(text), keyboard);
}

/** Runs a call the reply does not depend on (map pin, typing indicator...); a failure is logged, not thrown. */
export async function optional(
  logger: Logger,
  ctx: BotContext,
  method: string,
  call: () => Promise<unknown>,
) {
  try {
    await call();
  } catch (err) {
    logger.warn({ err, updateId: ctx.update.update_id, method }, 'optional Telegram call failed');
  }
}

/**
 * Sends a reply view: the text (after an optional note in italics, e.g. that a long question was cut), its
 * buttons, and for venue entries a map pin of the venue (knowledge/forum.json).
 */
export async function sendView(
  ctx: BotContext,
  view: ReplyView,
  { engine, logger }: { engine: Engine; logger: BotDeps['logger'] },
  note?: string,
): Promise<void> {
  const html = note ? `${tag('i', escapeHtml(note))}\n\n${viewHtml(view)}` : viewHtml(view);
  await replyHtml(ctx, html, viewKeyboard(view, engine, ctx.t));
  if (view.entry?.venue) {
    const { latitude, longitude, name, address } = engine.forum.venue;
    await optional(logger, ctx, 'sendVenue', () =>
      ctx.replyWithVenue(latitude, longitude, name[view.lang], address[view.lang]),
    );
  }
}
