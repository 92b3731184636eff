/**
 * One conversation with one user, the same in every adapter (the Telegram bot, the terminal chat and
 * the batch CLI): what was answered last (for follow-ups, and to repeat it in another language), the list
 * shown last (for "the second one") and the reply language, and how a message is read against them. Pure:
 * the adapters keep the state (the bot in its store, with a TTL) and the user's explicit language choice.
 */

import { asks, splitParts } from '../engine/analyse.js';
import type { Engine, EngineResult, Lang } from '../engine/types.js';
import { LANGS } from '../knowledge/schema.js';
import { listReference, pointedItem } from './references.js';

/** What a conversation remembers between messages. */
export interface ConversationState {
  /** The entries answered last (several for a question that asked several things). */
  answered: string[];
  /** The list shown last: an answer's items, "did you mean" suggestions or the topics, in order. */
  shown: string[];
  /** The language of the last reply. */
  lang?: Lang;
}

/** A conversation that has not started. */
export const NEW_CONVERSATION: Readonly<ConversationState> = Object.freeze({ answered: [], shown: [] });

/** What the user is told for one message. */
export type Turn =
  /** A language switch with no answer to repeat: confirm it, in that language. */
  | { kind: 'switched'; lang: Lang }
  /** An answer, a partial answer, "did you mean" or "I don't know". */
  | { kind: 'reply'; result: EngineResult };

/** One message read: what to say, the state to keep, and the user's new explicit language, if any. */
export interface TurnOutcome {
  turn: Turn;
  state: ConversationState;
  /** Set when the message chose a reply language (to remember like /lang). */
  chosen?: Lang;
}

/** What the adapter knows about the user's language. */
export interface TurnOptions {
  /** The user's explicit choice (/lang, or asked for in words before). */
  chosen?: Lang;
  /** Used when nothing else tells the language (the user's Telegram language, the terminal's default). */
  fallbackLang?: Lang;
}

const isId = (value: unknown): value is string =>
  typeof value === 'string' && /^[a-z0-9-]{1,64}$/.test(value);

/** Reads a stored state back; anything unreadable (or an older plain entry id) is read as well as it can. */
export function parseState(raw: string | undefined): ConversationState {
  if (!raw) return { ...NEW_CONVERSATION };
  if (isId(raw)) return { answered: [raw], shown: [] };
  try {
    const value = JSON.parse(raw) as Partial<ConversationState>;
    const ids = (list: unknown) => (Array.isArray(list) ? list.filter(isId).slice(0, 10) : []);
    const lang = (LANGS as readonly unknown[]).includes(value.lang) ? value.lang : undefined;
    return { answered: ids(value.answered), shown: ids(value.shown), ...(lang ? { lang } : {}) };
  } catch {
    return { ...NEW_CONVERSATION };
  }
}

/** The state as the store keeps it. */
export const serializeState = (state: ConversationState): string => JSON.stringify(state);

/** The answer of known entries, in a language (a picked item, a button, or the last answer said again). */
export function entryResult(
  engine: Engine,
  ids: readonly string[],
  lang: Lang,
  detected: Lang | null = null,
): EngineResult | null {
  const [entry, ...also] = ids.flatMap((id) => engine.entry(id) ?? []);
  if (!entry) return null;
  return { kind: 'answer', entry, also, alternatives: [], lang, detected, score: 1 };
}

/**
 * The state after a reply: what it answered, and the list it showed (an answer's items, the suggestions,
 * or the topics an "I don't know" lists), kept until another list is shown.
 */
export function stateAfter(
  engine: Engine,
  state: ConversationState,
  result: EngineResult,
): ConversationState {
  const lang = result.lang;
  switch (result.kind) {
    case 'answer': {
      const answered = [result.entry.id, ...result.also.map((e) => e.id)];
      const shown = result.entry.items.length > 0 ? [...result.entry.items] : state.shown;
      return { answered, shown, lang };
    }
    case 'partial':
      return { answered: [result.entry.id], shown: state.shown, lang };
    case 'suggestions':
      return { answered: state.answered, shown: result.suggestions.map((s) => s.id), lang };
    case 'notFound':
      return { answered: state.answered, shown: engine.topics.map((t) => t.entry), lang };
  }
}

/**
 * Reads one message of a conversation: a pick from the list shown last (in the language asked for, if
 * any), a request for another language (which says the last answer again in it, right after one), or a
 * question (a follow-up borrows what was answered last).
 */
export function converse(
  engine: Engine,
  state: ConversationState,
  text: string,
  { chosen, fallbackLang }: TurnOptions = {},
): TurnOutcome {
  // "the second one", "2", or a suggestion's title typed back, with a request for a language or not
  // ("the second one, in English please").
  const request = engine.requestedLanguage(text);
  const pickText = request ? request.rest : text;
  const picked =
    pickText &&
    listReference(pickText, state.shown, state.answered, (id) => {
      const entry = engine.entry(id);
      return entry ? Object.values(entry.i18n).map((side) => side.title) : [];
    });
  if (picked) {
    const detected = engine.detect(pickText);
    const lang = request?.lang ?? chosen ?? detected ?? state.lang ?? fallbackLang ?? 'en';
    const pick = entryResult(engine, [picked], lang, detected);
    if (pick)
      return {
        turn: { kind: 'reply', result: pick },
        state: stateAfter(engine, state, pick),
        ...(request ? { chosen: request.lang } : {}),
      };
  }

  // "по-русски, пожалуйста", "again in English", "说中文": switch, and say the last answer again in it.
  // What is left beside the request asks nothing ("…for my neighbour", "внук прочитает"): a request too.
  // Any sentence of it may ask ("Ладно. Кто там выступал").
  if (request && !splitParts(request.rest).some(asks)) {
    const again = entryResult(engine, state.answered, request.lang, null);
    if (!again)
      return {
        turn: { kind: 'switched', lang: request.lang },
        state: { ...state, lang: request.lang },
        chosen: request.lang,
      };
    return {
      turn: { kind: 'reply', result: { ...again, requested: request.lang } },
      state: stateAfter(engine, state, again),
      chosen: request.lang,
    };
  }

  // "the first one: what will it change?" is about that item, not about the last answer.
  const pointed = pointedItem(text, state.shown, state.answered);
  const asked = engine.ask(pointed?.question || text, {
    lang: chosen,
    fallbackLang: state.lang ?? fallbackLang,
    context: pointed?.id ?? state.answered[0],
    ...(pointed ? { pointsAtContext: true } : {}),
  });
  // What is said around the pointing matches nothing ("the first one interests me most, tell me more"):
  // the item pointed at is the answer.
  const result =
    pointed && (asked.kind === 'notFound' || asked.kind === 'suggestions')
      ? (entryResult(engine, [pointed.id], asked.lang, asked.detected) ?? asked)
      : asked;
  return {
    turn: { kind: 'reply', result },
    state: stateAfter(engine, state, result),
    ...(result.requested ? { chosen: result.requested } : {}),
  };
}
