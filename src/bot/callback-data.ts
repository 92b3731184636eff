import type { Middleware } from 'telegraf';
import { LANGS, type Lang } from '../knowledge/schema.js';
import type { Vote } from '../store/feedback.js';
import type { BotContext } from './context.js';

/** Telegram rejects inline buttons whose callback_data is longer than this many bytes. */
export const MAX_CALLBACK_DATA_BYTES = 64;

/**
 * What a button press asks for. `lang` is the language of the message the button was under, so a
 * follow-up answers in the language of the conversation unless the user has chosen one explicitly.
 */
export type CallbackAction =
  | { type: 'entry'; lang: Lang; id: string }
  | { type: 'source'; lang: Lang; id: string }
  | { type: 'lang'; lang: Lang }
  | { type: 'vote'; lang: Lang; id: string; vote: Vote }
  /**
   * /review's buttons (admins only): accept a suggestion group into an entry, list the other entries,
   * reject it, or skip to the next group. `group` is the group's 8-hex-digit id (curate/suggest.ts).
   */
  | { type: 'review'; op: 'accept'; group: string; id: string }
  | { type: 'review'; op: ReviewOp; group: string };

/** /review's operations other than accepting. */
export type ReviewOp = 'other' | 'reject' | 'skip';

export type CallbackType = CallbackAction['type'];

// One letter per type keeps the data short: "e:ru:forum-date", "s:en:forum-date", "l:zh"; votes take one
// letter per direction: "u:en:forum-date" (👍), "d:en:forum-date" (👎).
const PREFIX = { entry: 'e', source: 's', lang: 'l' } as const;
const VOTE_PREFIX = { up: 'u', down: 'd' } as const satisfies Record<Vote, string>;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;
// Review buttons: "r:a:<group>:<entry id>", "r:o:<group>", "r:x:<group>", "r:s:<group>".
const REVIEW_PREFIX = 'r';
const REVIEW_OPS = { accept: 'a', other: 'o', reject: 'x', skip: 's' } as const;
const GROUP = /^[0-9a-f]{8}$/;

const isLang = (value: string | undefined): value is Lang => LANGS.includes(value as Lang);

/** Packs an action into callback_data; throws RangeError if it would exceed Telegram's 64 bytes. */
export function packCallback(action: CallbackAction): string {
  const data =
    action.type === 'review'
      ? `${REVIEW_PREFIX}:${REVIEW_OPS[action.op]}:${action.group}${action.op === 'accept' ? `:${action.id}` : ''}`
      : action.type === 'lang'
        ? `${PREFIX.lang}:${action.lang}`
        : action.type === 'vote'
          ? `${VOTE_PREFIX[action.vote]}:${action.lang}:${action.id}`
          : `${PREFIX[action.type]}:${action.lang}:${action.id}`;
  if (Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_DATA_BYTES) {
    throw new RangeError(`callback_data "${data}" is longer than ${MAX_CALLBACK_DATA_BYTES} bytes`);
  }
  return data;
}

/** Reads callback_data back; null for anything this version did not produce (stale or forged buttons). */
export function unpackCallback(data: string | undefined): CallbackAction | null {
  if (data === undefined || Buffer.byteLength(data, 'utf8') > MAX_CALLBACK_DATA_BYTES) return null;
  const [prefix, lang, id, ...rest] = data.split(':');
  if (prefix === REVIEW_PREFIX) return unpackReview(lang, id, rest);
  if (rest.length > 0 || !isLang(lang)) return null;
  if (prefix === PREFIX.lang) return id === undefined ? { type: 'lang', lang } : null;
  if (id === undefined || !SLUG.test(id)) return null;
  if (prefix === PREFIX.entry) return { type: 'entry', lang, id };
  if (prefix === PREFIX.source) return { type: 'source', lang, id };
  if (prefix === VOTE_PREFIX.up) return { type: 'vote', lang, id, vote: 'up' };
  if (prefix === VOTE_PREFIX.down) return { type: 'vote', lang, id, vote: 'down' };
  return null;
}

function unpackReview(
  op: string | undefined,
  group: string | undefined,
  rest: string[],
): CallbackAction | null {
  if (group === undefined || !GROUP.test(group)) return null;
  if (op === REVIEW_OPS.accept) {
    const [id, ...more] = rest;
    return id !== undefined && more.length === 0 && SLUG.test(id)
      ? { type: 'review', op: 'accept', group, id }
      : null;
  }
  if (rest.length > 0) return null;
  if (op === REVIEW_OPS.other) return { type: 'review', op: 'other', group };
  if (op === REVIEW_OPS.reject) return { type: 'review', op: 'reject', group };
  if (op === REVIEW_OPS.skip) return { type: 'review', op: 'skip', group };
  return null;
}

type ActionOf<T extends CallbackType> = Extract<CallbackAction, { type: T }>;

/** Middleware that runs `handler` for button presses of one action type and passes everything else on. */
export function onCallback<T extends CallbackType>(
  type: T,
  handler: (ctx: BotContext, action: ActionOf<T>) => Promise<unknown>,
): Middleware<BotContext> {
  return async (ctx, next) => {
    const query = ctx.callbackQuery;
    const action = query && 'data' in query ? unpackCallback(query.data) : null;
    if (action?.type !== type) return next();
    await handler(ctx, action as ActionOf<T>);
  };
}
