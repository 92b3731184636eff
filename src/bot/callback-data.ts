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
  | { type: 'vote'; lang: Lang; id: string; vote: Vote };

export type CallbackType = CallbackAction['type'];

// One letter per type keeps the data short: "e:ru:forum-date", "s:en:forum-date", "l:zh"; votes take one
// letter per direction: "u:en:forum-date" (👍), "d:en:forum-date" (👎).
const PREFIX = { entry: 'e', source: 's', lang: 'l' } as const;
const VOTE_PREFIX = { up: 'u', down: 'd' } as const satisfies Record<Vote, string>;
const SLUG = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

const isLang = (value: string | undefined): value is Lang => LANGS.includes(value as Lang);

/** Packs an action into callback_data; throws RangeError if it would exceed Telegram's 64 bytes. */
export function packCallback(action: CallbackAction): string {
  const data =
    action.type === 'lang'
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
  if (rest.length > 0 || !isLang(lang)) return null;
  if (prefix === PREFIX.lang) return id === undefined ? { type: 'lang', lang } : null;
  if (id === undefined || !SLUG.test(id)) return null;
  if (prefix === PREFIX.entry) return { type: 'entry', lang, id };
  if (prefix === PREFIX.source) return { type: 'source', lang, id };
  if (prefix === VOTE_PREFIX.up) return { type: 'vote', lang, id, vote: 'up' };
  if (prefix === VOTE_PREFIX.down) return { type: 'vote', lang, id, vote: 'down' };
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
