import type { Lang } from '../knowledge/schema.js';

/**
 * A reply language asked for in the message itself ("answer in Russian", "по-английски, пожалуйста",
 * "用中文回答"), and the rest of the message without it. Only unmistakable requests count: a verb of
 * replying, "please", a switch, or the request as the whole message; "books in Russian" asks nothing.
 */
export interface LanguageRequest {
  lang: Lang;
  /** The message without the request (empty when the message was only the request). */
  rest: string;
}

// Language names as they follow "in", "на", "用" in each language (stems where Russian inflects).
const EN_NAMES = '(english|russian|chinese|mandarin)(?!\\p{L})';
const RU_NAMES = '(английск\\p{L}*|русск\\p{L}*|китайск\\p{L}*)';
// English and Russian requests start at a word ("Prussian, please" asks nothing).
const WORD_START = '(?<!\\p{L})';
const RU_ADVERBS = '(по-английски|по-русски|по-китайски|по английски|по русски|по китайски)';
const ZH_NAMES = '(中文|汉语|漢語|华语|華語|普通话|普通話|俄语|俄語|俄文|英语|英語|英文)';
// Simplified and Traditional forms of the Chinese request words.
const ZH_PLEASE = '(?:请|請)';
const ZH_REPLY = '(?:回答|回复|回覆|回復|答复|答覆|答|说|說|讲|講|介绍|介紹|写|寫)';
const ZH_SWITCH = '(?:切换|切換|换成|換成|改成|改用|翻译成|翻譯成|翻成|译成|譯成)';

const NAME_LANG: readonly [RegExp, Lang][] = [
  [/english|английск|по.английски|angl|инглиш|^eng$|英语|英語|英文/u, 'en'],
  [/russian|русск|по.русски|russk|^rus$|俄语|俄語|俄文/u, 'ru'],
  [
    /chinese|mandarin|китайск|по.китайски|kitaysk|kitajsk|kitaisk|中文|汉语|漢語|华语|華語|普通话|普通話/u,
    'zh',
  ],
];

// Each pattern matches the request with the punctuation around it; the first that matches wins.
const PLEASE_EN = '(?:,?\\s*please)?';
const PLEASE_RU = '(?:,?\\s*пожалуйста)?';
const PATTERNS: readonly RegExp[] = [
  // English: "reply/answer/respond/write/talk (to me) in Russian (please)", "switch to Chinese".
  new RegExp(
    `${WORD_START}(?:(?:can|could|would) you\\s+)?(?:please\\s+)?(?:reply|answer|respond|write|talk|speak|repeat|say|tell|explain|give)(?:\\s+(?:it|that|this|me|the\\s+answer))?(?:\\s+(?:again|to\\s+me))?\\s+in\\s+${EN_NAMES}${PLEASE_EN}`,
    'iu',
  ),
  new RegExp(
    `${WORD_START}(?:please\\s+)?(?:switch|change)(?:\\s+the\\s+language)?\\s+to\\s+${EN_NAMES}${PLEASE_EN}`,
    'iu',
  ),
  new RegExp(`${WORD_START}(?:in\\s+)?${EN_NAMES}\\s*,?\\s*please`, 'iu'),
  // Russian: "ответь(те)/отвечай/пиши/говори (мне) по-русски | на русском (языке)", "переключись на ...".
  new RegExp(
    `${WORD_START}(?:ответь(?:те)?|отвечай(?:те)?|пиши(?:те)?|напиши(?:те)?|говори(?:те)?|расскажи(?:те)?)(?:\\s+мне)?\\s+(?:${RU_ADVERBS}|на\\s+${RU_NAMES}(?:\\s+языке)?)${PLEASE_RU}`,
    'iu',
  ),
  new RegExp(
    `${WORD_START}(?:переключи(?:сь|те)?|перейди(?:те)?)\\s+на\\s+${RU_NAMES}(?:\\s+язык)?${PLEASE_RU}`,
    'iu',
  ),
  new RegExp(`${WORD_START}${RU_ADVERBS}\\s*,?\\s*пожалуйста`, 'iu'),
  new RegExp(`${WORD_START}(?:на\\s+${RU_NAMES}(?:\\s+языке)?)\\s*,?\\s*пожалуйста`, 'iu'),
  // Chinese: "(请)用中文回答/回复/说", "切换(到)俄语", "说中文".
  new RegExp(
    `${ZH_PLEASE}?(?:你)?(?:用|以)${ZH_NAMES}(?:来|來)?${ZH_REPLY}(?:一下|下)?(?:我|给我|給我)?(?:吧|啦|呀|啊|好吗|好嗎)?`,
    'u',
  ),
  new RegExp(`${ZH_PLEASE}?${ZH_SWITCH}(?:到|成|为|為)?${ZH_NAMES}`, 'u'),
  // "俄语回答", "英文回复": the language, then the verb of replying.
  new RegExp(
    `${ZH_PLEASE}?${ZH_NAMES}(?:来|來)?(?:回答|回复|回覆|回復|答复|答覆)(?:一下|下)?(?:吧|啦)?`,
    'u',
  ),
  // "用俄语告诉我…", "我想用英文了解…": "用" with a language names the medium, whatever the verb, except
  // when asking how a word is said in it ("“论坛”用英语怎么说").
  new RegExp(
    `${ZH_PLEASE}?(?:麻烦|麻煩)?(?:你)?(?:用|以)${ZH_NAMES}(?!.*(?:怎么|怎麼)(?:说|說|讲|講|写|寫|翻))`,
    'u',
  ),
];

const TRIM = /^[\s,.;:!?，。；：！？、…-]+|[\s,.;:!?，。；：！？、…-]+$/gu;

/** The text with the request (length characters at `at`) cut out. */
const without = (text: string, at: number, length: number): string =>
  `${text.slice(0, at)} ${text.slice(at + length)}`
    .replace(/\s+/g, ' ')
    .replace(/[\s,;:，；：、]+(?=[.!?。！？]|$)/gu, '')
    .replace(TRIM, '');

function langOf(found: string): Lang | null {
  const text = found.toLowerCase();
  for (const [pattern, lang] of NAME_LANG) if (pattern.test(text)) return lang;
  return null;
}

// A language named as the medium of the reply ("in Simplified Chinese", "на английском", "по-китайски",
// "na kitayskom") together, in the same sentence, with a word of replying or asking ("answer", "ответ",
// "пожалуйста", "please") asks for that language however the rest is phrased. (Chinese requests are
// phrased closely enough for the patterns above; "用英语怎么说" asks how to say a word.)
// The language ends its phrase: "in Russian translation" names a translation, not the reply's language.
const MEDIUM_END =
  '(?=\\s*(?:$|[,.!?;:，。！？)]|please|pls|language|only|too|as well|for\\s|пожалуйста|плз|пж|языке|только|тоже|для\\s|pozhalu))';
const MEDIUM = new RegExp(
  `${WORD_START}(?:(?:in\\s+(?:simplified\\s+|traditional\\s+|plain\\s+)?${EN_NAMES}|на\\s+${RU_NAMES}(?:\\s+язык\\p{L}*)?|${RU_ADVERBS}|` +
    `na\\s+(?:angl|russk|kitaysk|kitajsk|kitaisk)\\p{L}*|po[-\\s]?(?:angliysk|anglijsk|angliisk|russk|kitaysk|kitajsk|kitaisk)\\p{L}*)${MEDIUM_END})`,
  'iu',
);
const CUE = new RegExp(
  `${WORD_START}(?:answer|reply|respond|write|explain|please|pls|` +
    'ответ\\p{L}*|отвеч\\p{L}*|напиш\\p{L}*|пиши\\p{L}*|скаж\\p{L}*|расскаж\\p{L}*|объясн\\p{L}*|дай\\p{L}*|' +
    'пожалуйста|otvet\\p{L}*|otvech\\p{L}*|napish\\p{L}*|pozhalu[iy]?sta)(?!\\p{L})',
  'iu',
);
const MEDIUM_LANG: readonly [RegExp, Lang][] = [
  [/english|английск|angl/iu, 'en'],
  [/russian|русск|russk/iu, 'ru'],
  [/chinese|mandarin|китайск|kitaysk|kitajsk|kitaisk/iu, 'zh'],
];
// Sentences, and the clauses inside them.
const SENTENCES = /[^.!?。！？\n]+[.!?。！？\n]*/gu;
const CLAUSES = /[^,;，；、]+[,;，；、]*/gu;

/** A request phrased freely: the clause (or short sentence) naming the reply's language with a cue. */
function freeRequest(text: string): LanguageRequest | null {
  for (const { 0: sentence, index } of text.matchAll(SENTENCES)) {
    const medium = MEDIUM.exec(sentence);
    if (!medium || !CUE.test(sentence)) continue;
    const lang = MEDIUM_LANG.find(([pattern]) => pattern.test(medium[0]))?.[1];
    if (!lang) continue;
    // The clause holding the language goes when it holds the cue too; otherwise the whole sentence
    // ("Напишите, пожалуйста, по-английски, это для коллеги.") when it is short.
    const clause = [...sentence.matchAll(CLAUSES)].find(
      (c) => (c.index ?? 0) <= medium.index && medium.index < (c.index ?? 0) + c[0].length,
    );
    const words = sentence.split(/\s+/).filter(Boolean).length;
    const [cut, at] =
      clause && CUE.test(clause[0])
        ? [clause[0], (index ?? 0) + (clause.index ?? 0)]
        : words <= 10
          ? [sentence, index ?? 0]
          : [medium[0], (index ?? 0) + medium.index];
    return { lang, rest: without(text, at, cut.length) };
  }
  return null;
}

// A language's name in any form: "English", "по-русски", "на китайском", "英语", "po-russki".
const ANY_NAME = new RegExp(
  `${WORD_START}(?:english|russian|chinese|mandarin|eng|rus|инглиш\\p{L}*|английск\\p{L}*|русск\\p{L}*|китайск\\p{L}*|` +
    `по-?\\s?(?:английски|русски|китайски)|po[-\\s]?(?:angliysk|anglijsk|angliisk|russk|kitaysk|kitajsk|kitaisk)\\p{L}*|` +
    `(?:na\\s+)?(?:angliyskom|anglijskom|russkom|kitayskom|kitajskom|kitaiskom))(?!\\p{L})|${ZH_NAMES}`,
  'giu',
);
// Words that only ask for a language ("can you speak", "again in", "давай", "switch back to", "能说…吗"):
// a message made of these and one language's name asks for that language.
const ASKING =
  '(?:[\\s,.!?;:…，。！？、-]|' +
  '(?<!\\p{L})(?:and|also|again|that|it|this|please|pls|can|could|would|will|you|say|repeat|speak|talk|switch|change|back|' +
  "to|now|answer|reply|write|in|the|same|thing|but|one|more|time|once|ok|okay|let|lets|let's|us|use|go|with|me|language|do|" +
  'get|i|may|have|thanks|thank|' +
  'from|on|then|instead|rather|continue|keep|going|translate|translated|translation|into|version|of|put|only|just|' +
  'ещё|еще|раз|снова|повтори|повторите|это|то|же|самое|пожалуйста|можно|давай|давайте|говори|говорите|' +
  'ответь|ответьте|переключись|переключитесь|на|по|обратно|теперь|лучше|сначала|язык|языке|мне|а|и|' +
  'дальше|можешь|можете|сможешь|продолжай|продолжим|же|всё|все|тоже|переведи|переведите|перевод|перевести|только|' +
  'как|будет|спасибо|' +
  'eshche|eshchyo|raz|davay|davai|pozhaluysta|pozhalujsta|mozhno|na|po)(?!\\p{L})|' +
  '再|说|說|一遍|一下|下|用|请|請|能|吗|嗎|可以|换|換|回|讲|講|重新|遍|呢|吧|好吗|好嗎|切换|切換|改|成|到|你|我|给|給|来|來|啦|呀|吧|还是|還是|怎么说|怎麼說|一次|次|以后|以後|之后|之後|都|就|翻译|翻譯|翻|译|譯|版|版本|的|发|發|谢谢|謝謝)';
const ONLY_ASKING = new RegExp(`^${ASKING}+$`, 'iu');
const ASKING_WORDS = new RegExp(ASKING, 'giu');

/** A message that only asks for a language ("switch back to English", "можно на английском?", "说英语"). */
function wholeRequest(text: string): LanguageRequest | null {
  const names = [...text.matchAll(ANY_NAME)];
  const langs = new Set(names.map((m) => langOf(m[0])));
  const [lang] = langs;
  if (names.length === 0 || langs.size !== 1 || !lang) return null;
  const rest = text.replace(ANY_NAME, ' ');
  return ONLY_ASKING.test(rest) || !rest.trim() ? { lang, rest: '' } : null;
}

// Words of going over to a language, that may stand with its bare name ("верни английский", "改回英文").
const SWITCH = new RegExp(
  `${WORD_START}(?:switch|change|back|go|верни\\p{L}*|вернём\\p{L}*|вернем\\p{L}*|переключ\\p{L}*|перейд\\p{L}*|` +
    `перейти|давай\\p{L}*|опять|снова)(?!\\p{L})|(?:用|以|换回?|換回?|改回?|改用|切换|切換|切回|切到|转|轉|回到|讲返|講返)${ZH_NAMES}`,
  'iu',
);
// Where a clause ends: a sentence or clause mark, or a space between Chinese words ("嗯 改成英文 主题是什么").
const CLAUSE_END = /[.!?。！？\n,;:，；：、—]+|(?<=\p{Script=Han})\s+(?=\p{Script=Han})/gu;

/** The clauses of a text with where each starts, their marks left out. */
function clauses(text: string): [number, string][] {
  const out: [number, string][] = [];
  let start = 0;
  for (const end of [...text.matchAll(CLAUSE_END), { index: text.length, 0: '' }]) {
    if ((end.index ?? 0) > start) out.push([start, text.slice(start, end.index)]);
    start = (end.index ?? 0) + end[0].length;
  }
  return out;
}

/**
 * A clause that names one language as the reply's medium or as what to switch to, and asks nothing the
 * knowledge base knows ("ну ладно, снова по-английски", "верни английский", "改回英文吧", "pishi
 * po-kitaiski"): a request for it however it is worded. `knows(text)` tells whether a text holds a word
 * of the knowledge base: "how do you say 'library' in Chinese" asks about a word, not for a language.
 */
function clauseRequest(text: string, knows: (text: string) => boolean): LanguageRequest | null {
  for (const [at, clause] of clauses(text)) {
    const langs = new Set([...clause.matchAll(ANY_NAME)].map((m) => langOf(m[0])));
    const [lang] = langs;
    if (langs.size !== 1 || !lang || !(MEDIUM.test(clause) || SWITCH.test(clause))) continue;
    if (knows(clause.replace(ANY_NAME, ' ').replace(ASKING_WORDS, ' '))) continue;
    return { lang, rest: without(text, at, clause.length) };
  }
  return null;
}

/**
 * The reply language the message asks for, if it asks for one unmistakably. `knows(text)` tells whether
 * a text holds a word of the knowledge base (the engine's vocabulary); without it, only the fixed
 * phrasings count.
 */
export function languageRequest(
  text: string,
  knows: (text: string) => boolean = () => true,
): LanguageRequest | null {
  const whole = wholeRequest(text);
  if (whole) return whole;
  // One sentence that only asks for a language, beside others ("А можно по-китайски? Это для друга").
  for (const { 0: sentence, index } of text.matchAll(SENTENCES)) {
    const request = sentence.length < text.length ? wholeRequest(sentence) : null;
    if (request) return { lang: request.lang, rest: without(text, index ?? 0, sentence.length) };
  }
  for (const pattern of PATTERNS) {
    const match = pattern.exec(text);
    if (!match) continue;
    const lang = langOf(match[0]);
    if (!lang) continue;
    return { lang, rest: without(text, match.index, match[0].length) };
  }
  // One clause that only asks for a language ("英文：论坛几号开的").
  for (const [at, clause] of clauses(text)) {
    const request = wholeRequest(clause);
    if (request) return { lang: request.lang, rest: without(text, at, clause.length) };
  }
  return clauseRequest(text, knows) ?? freeRequest(text);
}
