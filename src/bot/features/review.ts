import { Composer, Markup } from 'telegraf';
import type { InlineKeyboardButton, InlineKeyboardMarkup } from 'telegraf/types';
import { collisionRefusal } from '../../curate/accept.js';
import { groupAlternates, type SuggestionGroup, suggestGroups } from '../../curate/suggest.js';
import type { Engine, Lang } from '../../engine/types.js';
import type { Translate } from '../../i18n.js';
import { loadKnowledge } from '../../knowledge/load.js';
import { withAlternates } from '../../knowledge/pending.js';
import type { SignalStore } from '../../store/signals.js';
import { type CallbackAction, onCallback, packCallback } from '../callback-data.js';
import type { BotContext, BotDeps } from '../context.js';
import { escapeHtml, tag } from '../html.js';
import { optional, replyHtml, replyText } from '../reply.js';

const button = (text: string, action: CallbackAction) => Markup.button.callback(text, packCallback(action));

/** The entry's title in the admin's language, or its id when it is gone. */
const titleOf = (engine: Engine, id: string, lang: Lang) => engine.entry(id)?.i18n[lang].title ?? id;

/** One suggestion as /review shows it: the counts, the proposal and the examples. */
function reviewHtml(group: SuggestionGroup, index: number, total: number, engine: Engine, ctx: BotContext) {
  const { t, lang } = ctx;
  const outcomes = Object.entries(group.outcomes)
    .map(([kind, n]) => `${kind} ${n}`)
    .join(', ');
  const presses =
    Object.entries(group.presses)
      .map(([id, n]) => `${titleOf(engine, id, lang)} ×${n}`)
      .join(', ') || '0';
  const { proposal } = group;
  const proposed =
    proposal.kind === 'entry'
      ? t('review.proposalEntry', {
          title: titleOf(engine, proposal.entryId, lang),
          source: t(`review.source.${proposal.source}`),
        })
      : t(proposal.kind === 'new-entry' ? 'review.proposalNew' : 'review.proposalOut');
  const examples = group.examples.map(
    (e) => `• [${e.lang}] ${escapeHtml(e.text)}${e.count > 1 ? ` ×${e.count}` : ''}`,
  );
  return [
    tag('b', escapeHtml(t('review.title', { index: index + 1, total, group: group.id }))),
    escapeHtml(t('review.asked', { count: group.count, outcomes, presses })),
    escapeHtml(proposed),
    '',
    escapeHtml(t('review.examples')),
    ...examples,
  ].join('\n');
}

/** The buttons under a suggestion: the proposed entry, another entry, reject, skip. */
function reviewKeyboard(
  group: SuggestionGroup,
  engine: Engine,
  t: Translate,
  lang: Lang,
): InlineKeyboardMarkup {
  const rows: InlineKeyboardButton[][] = [];
  const { proposal } = group;
  if (proposal.kind === 'entry' && engine.entry(proposal.entryId))
    rows.push([
      button(t('review.accept', { title: titleOf(engine, proposal.entryId, lang) }), {
        type: 'review',
        op: 'accept',
        group: group.id,
        id: proposal.entryId,
      }),
    ]);
  rows.push([
    button(t('review.other'), { type: 'review', op: 'other', group: group.id }),
    button(t('review.reject'), { type: 'review', op: 'reject', group: group.id }),
    button(t('review.skip'), { type: 'review', op: 'skip', group: group.id }),
  ]);
  return Markup.inlineKeyboard(rows).reply_markup;
}

/** Every fact entry to choose from, the engine's best for the group first. */
function entriesKeyboard(group: SuggestionGroup, engine: Engine, lang: Lang, t: Translate, ids: string[]) {
  const ranked = group.ranked.map((r) => r.id);
  const order = [...new Set([...ranked, ...ids])].filter((id) => engine.entry(id)?.kind !== 'chitchat');
  const rows = order.map((id) => [
    button(titleOf(engine, id, lang), { type: 'review', op: 'accept', group: group.id, id }),
  ]);
  rows.push([
    button(t('review.reject'), { type: 'review', op: 'reject', group: group.id }),
    button(t('review.skip'), { type: 'review', op: 'skip', group: group.id }),
  ]);
  return Markup.inlineKeyboard(rows).reply_markup;
}

/**
 * /review for the admins (ADMIN_IDS), in a private chat: the suggestions kb:suggest would list, one at a
 * time, with buttons to accept one into the proposed or another entry (kept as pending alternates in the
 * store and answered at once through the live engine), reject it, or skip it. For anyone else it is not a
 * command (the unknown-command reply), and its buttons are stale.
 */
export function reviewFeature(deps: BotDeps): Composer<BotContext> {
  const { adminIds = [], logger, now = Date.now } = deps;
  const admins = new Set(adminIds);
  const store: SignalStore | undefined = deps.signals?.store;
  const composer = new Composer<BotContext>();
  const isAdmin = (ctx: BotContext) =>
    store !== undefined && ctx.chat?.type === 'private' && ctx.from !== undefined && admins.has(ctx.from.id);

  const groups = async (s: SignalStore, engine: Engine) =>
    suggestGroups(await s.signals(), engine, await s.decisions());

  /** Shows the first group after `after` (or the first of all), or says there is nothing left. */
  const show = async (ctx: BotContext, s: SignalStore, after?: string) => {
    const engine = deps.live.current();
    const all = await groups(s, engine);
    // Skipping the last one starts again from the first.
    const index = after === undefined ? 0 : (all.findIndex((g) => g.id === after) + 1) % all.length;
    const group = all[index];
    if (!group) return replyText(ctx, ctx.t('review.empty'));
    await replyHtml(
      ctx,
      reviewHtml(group, index, all.length, engine, ctx),
      reviewKeyboard(group, engine, ctx.t, ctx.lang),
    );
  };

  composer.command('review', async (ctx, next) => {
    if (!isAdmin(ctx) || !store) return next();
    await show(ctx, store);
  });

  composer.use(
    onCallback('review', async (ctx, action) => {
      if (!isAdmin(ctx) || !store) return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      const engine = deps.live.current();
      const group = (await groups(store, engine)).find((g) => g.id === action.group);
      if (!group) return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      if (action.op === 'skip') {
        await ctx.answerCbQuery();
        return show(ctx, store, group.id);
      }
      if (action.op === 'other') {
        await ctx.answerCbQuery();
        return replyText(
          ctx,
          ctx.t('review.chooseEntry'),
          entriesKeyboard(
            group,
            engine,
            ctx.lang,
            ctx.t,
            loadKnowledge(deps.knowledgeDir).entries.map((e) => e.id),
          ),
        );
      }
      if (action.op === 'reject') {
        await store.decide({ group: group.id, decision: 'rejected', at: now() });
        await ctx.answerCbQuery(ctx.t('review.rejected'));
        await optional(logger, ctx, 'editMessageReplyMarkup', () => ctx.editMessageReplyMarkup(undefined));
        await replyText(ctx, ctx.t('review.rejected'));
        return show(ctx, store);
      }
      const entry = 'id' in action ? engine.entry(action.id) : undefined;
      if (!entry) return ctx.answerCbQuery(ctx.t('bot.staleButton'));
      const alternates = groupAlternates(group, entry.id, now());
      // The same check as kb:suggest --accept, over knowledge/ and what is pending already.
      await ctx.answerCbQuery();
      const refusal = collisionRefusal(
        withAlternates(loadKnowledge(deps.knowledgeDir), await store.pendingAlternates()),
        alternates,
      );
      if (refusal) return replyText(ctx, ctx.t('review.failed', { error: refusal }));
      await store.addPendingAlternates(alternates);
      await store.decide({ group: group.id, decision: 'accepted', entryId: entry.id, at: now() });
      const reason = `review accepted ${group.id} into ${entry.id}`;
      // deps.reload also tells the other instances (the version key in Redis); live.reload only this one.
      const outcome = await (deps.reload ? deps.reload(reason) : deps.live.reload(reason));
      if (outcome && !outcome.ok) return replyText(ctx, ctx.t('review.failed', { error: outcome.error }));
      await optional(logger, ctx, 'editMessageReplyMarkup', () => ctx.editMessageReplyMarkup(undefined));
      await replyText(
        ctx,
        ctx.t('review.accepted', { count: alternates.length, title: entry.i18n[ctx.lang].title }),
      );
      return show(ctx, store);
    }),
  );
  return composer;
}
