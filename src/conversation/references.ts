/**
 * A message that points into the list the user was last shown ("the second one", "второе", "第二个",
 * "2", or a suggestion's title typed back): which item it picks.
 */
import { normalizeText } from '../language/normalize.js';
import { latinToCyrillic } from '../language/translit.js';

// Ordinal words, by position (-1: the last one, 0: the other one). Russian by stem, for every ending.
const ORDINALS: readonly [RegExp, number][] = [
  // "другое", not "друг" (a friend).
  [/^(?:other|another|друг(?:ое|ой|ая|ую|ого|ие|их)|另一|另外一|另一个|另外一个)$/u, 0],
  [/^(?:first|1st|former|перв\p{L}*|один|одна|одно|第一|头一|首个|前者|前一|一)$/u, 1],
  [/^(?:second|2nd|two|втор\p{L}*|два|две|第二|二|两)$/u, 2],
  [/^(?:third|3rd|three|трет\p{L}*|три|第三|三)$/u, 3],
  [/^(?:fourth|4th|four|четв[её]рт\p{L}*|четыре|第四|四)$/u, 4],
  [/^(?:last|latter|последн\p{L}*|最后|后者|后一|後一|最后一)$/u, -1],
];
// Words that may stand around an ordinal without asking anything else ("more on the second one, please",
// "а что насчёт второго?", "第二个呢"); Chinese ones are cut out of the text as they are.
const FILLER = new Set(
  (
    'and the one ones tell me more about what whats how item option please pls ok okay so then that details detail ' +
    'he she it they him her did does do say said talk talked who ' +
    'on give explain show number no of it is a an in more i want know pick choose take let s now back again ' +
    'а и про о об расскажи расскажите подробнее подробно что насчёт насчет по поводу там тогда давай ну ' +
    'пожалуйста вариант пункт номер это за можно ещё еще мне хочу узнать какой какая какое теперь снова опять ' +
    'он она оно они его её ее их сказал сказала говорил говорила кто'
  ).split(' '),
);
// Russian typed in Latin letters ("a vtoroe?", "pervaya kto takaya") is read as Russian too.
const readings = (word: string): string[] => [word, latinToCyrillic(word) ?? []].flat();
const isFiller = (word: string) => readings(word).some((w) => FILLER.has(w));
const HAN_FILLER =
  /呢|的|那个|那|个|項|项|条|條|位|说说|說說|讲讲|講講|详细|詳細|介绍|介紹|一下|请|請|关于|關於|吧|是|什么|看看|再|具体|具體|来|來|我|想|要|知道|选|選|号|號|#|№/gu;
const WORD = /[\p{L}\p{N}#№]+/gu;

/** The ordinal a token names (1-based, -1 for the last), if any. */
function ordinal(token: string): number | undefined {
  if (/^#?\d{1,2}$/.test(token)) return Number(token.replace('#', ''));
  for (const word of readings(token)) for (const [pattern, n] of ORDINALS) if (pattern.test(word)) return n;
  return undefined;
}

/** The item of `shown` a message points at, how many words it says besides, and the message without the pointing. */
interface Pointed {
  id: string | undefined;
  leftover: number;
  rest: string;
}

function pointed(
  text: string,
  shown: readonly string[],
  answered: readonly string[],
  titles: (id: string) => readonly string[],
): Pointed | undefined {
  if (shown.length === 0) return undefined;
  const plain = normalizeText(text)
    .replace(/[^\p{L}\p{N}#№\s]+/gu, ' ')
    .trim();
  if (!plain) return undefined;
  const key = plain.replace(/\s+/g, '');
  const byTitle = shown.find((id) =>
    titles(id).some((t) => normalizeText(t).replace(/[^\p{L}\p{N}]+/gu, '') === key),
  );
  if (byTitle) return { id: byTitle, leftover: 0, rest: '' };

  // Chinese: the ordinal as written (第二, 第2), then what is left once filler is cut out.
  const han =
    /第\s*(\d{1,2}|[一二三四])\s*(?:个|個|份|项|項|条|條|位|家|场|場)?|^(\d{1,2})\s*(?:号|號)|最后|后者|前者|后一|後一|前一|另外一|另一/u.exec(
      plain,
    );
  let position: number | undefined;
  let leftover: number;
  let rest: string;
  if (han) {
    const n = han[1] ?? han[2];
    position = ordinal(han[0]) ?? (n ? (/\d/.test(n) ? Number(n) : ordinal(n)) : undefined);
    rest = plain.replace(han[0], '');
    leftover = [...rest.replace(HAN_FILLER, '').replace(/\s+/g, '')].length > 4 ? 3 : 0;
  } else {
    const words = plain.match(WORD) ?? [];
    const found = words.map(ordinal);
    const at = found.findIndex((n) => n !== undefined);
    if (at < 0 || found.filter((n) => n !== undefined).length > 1) return undefined;
    position = found[at];
    leftover = words.filter((w, i) => i !== at && !isFiller(w)).length;
    rest = words.filter((_, i) => i !== at).join(' ');
  }
  if (position === undefined) return undefined;
  // "the other one": the one item shown that was not just answered.
  const others = shown.filter((id) => !answered.includes(id));
  const id =
    position === 0
      ? others.length === 1 && others.length < shown.length
        ? others[0]
        : undefined
      : shown[position < 0 ? shown.length + position : position - 1];
  return { id, leftover, rest };
}

/**
 * The id a message picks from `shown`, or undefined; `answered` (what was answered last) tells which is
 * "the other one". `titles(id)` gives an entry's titles (in every language), so that a suggestion typed
 * back picks it. A message that asks more than the pick ("when was
 * the first forum?") picks nothing: besides the ordinal, at most two words (or four Chinese characters)
 * that are not filler.
 */
export function listReference(
  text: string,
  shown: readonly string[],
  answered: readonly string[],
  titles: (id: string) => readonly string[],
): string | undefined {
  const found = pointed(text, shown, answered, titles);
  return found && found.leftover <= 2 ? found.id : undefined;
}

/**
 * The item of `shown` an ordinal in a longer question points at ("the first one: what will it change?"), which
 * the question is then about, and the question without the ordinal ("the one: who signed it"), which
 * would otherwise ask about some "first"; undefined when there is no ordinal.
 */
export function pointedItem(
  text: string,
  shown: readonly string[],
  answered: readonly string[],
): { id: string; question: string } | undefined {
  const found = pointed(text, shown, answered, () => []);
  return found?.id ? { id: found.id, question: found.rest } : undefined;
}
