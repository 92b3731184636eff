/**
 * Stage 1 of the pipeline (analyse -> retrieve -> decide -> compose): the message as the engine reads
 * it. Markup pasted around a question is dropped, a reply language asked for in words is taken out, and
 * the message is cut into the sentences and clauses that may each ask something. Words, stems, typos
 * and concepts are the tokenizer's business (src/language/tokenize.ts), run by the retriever.
 */
import type { Lang } from '../knowledge/schema.js';
import { languageRequest } from '../language/request.js';

/** A message as the later stages read it. */
export interface Analysis {
  /** The message without markup and without a reply-language request. */
  question: string;
  /** The reply language the message asked for in words, if any. */
  requested?: Lang;
  /**
   * The sentences and clauses of the question that may each ask something ("When was it? And where?",
   * "какая тема была и кто выступал"), in order; a single part when it has none.
   */
  parts: Part[];
}

/** A sentence or clause of a message. */
export interface Part {
  text: string;
  /** It asks something (a question mark or a question word), unlike a greeting, a story or thanks. */
  asks: boolean;
}

// Scripts and styles are code, not words: their content goes with the tags.
const CODE_BLOCK = /<(script|style)\b[^>]*>[\s\S]*?<\/\1\s*>/gi;
const TAG = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>/gi;
const MARKDOWN_LINK = /\[([^\]]*)\]\([^)]*\)/g;
const URL = /\bhttps?:\/\/\S+/gi;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: ' ' };
const ENTITY = /&(?:([a-z]+)|#(\d+)|#x([0-9a-f]+));/gi;

/** The text of a message with HTML or Markdown around it: tags, code, links' targets and URLs dropped. */
export function stripMarkup(text: string): string {
  return text
    .replace(CODE_BLOCK, ' ')
    .replace(TAG, ' ')
    .replace(MARKDOWN_LINK, '$1')
    .replace(URL, ' ')
    .replace(ENTITY, (whole, name?: string, dec?: string, hex?: string) => {
      if (name) return ENTITIES[name.toLowerCase()] ?? whole;
      const code = dec ? Number(dec) : Number.parseInt(hex ?? '', 16);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : ' ';
    })
    .replace(/[*_~`#>|]+/g, ' ')
    .replace(/[^\S\n]+/g, ' ')
    .trim();
}

// Sentences end at these marks (a full stop only before a space: "3.5" and "Aug.14" stay whole), and
// at a colon, which puts what is said before ("Answer in English, it's for a colleague:") apart from the
// question after it (not in "14:00"), and at an emoji followed by a space, which chat uses as a full stop.
const SENTENCE_END =
  /(?<=[!?！？。；;…：])|(?<=\.)(?=\s)|(?<=:)(?!\d)|\n+|(?<=\p{Extended_Pictographic}\uFE0F?)\s+/u;
// Words that open a question, for cutting "…, and who spoke?" and "…и кто выступал" apart.
const QUESTION_START =
  '(?:(?:(?:since|until|from|for|in|at|by|with|to|of|about)\\s+)?(?:who|whom|whose|what|when|where|which)|' +
  'why|how|is|are|was|were|did|does|do|can|could|' +
  '(?:(?:на|о|об|в|во|с|со|к|по|за|из-за|ради|для|от|до|про|при)\\s+)?' +
  '(?:кто|кого|кому|ком|кем|что|чего|чему|чем|чём|где|когда|куда|откуда|как\\p{L}*|' +
  'почему|зачем|сколько|чей|чья|чьё|чьи|ли))(?![\\p{L}])';
// "and", "also", "и", "а также" before a question word; a comma before one.
const CLAUSE_JOIN = new RegExp(
  `(?:,\\s*|\\s+)(?:and also|and|also|plus|as well as|а также|и ещё|и еще|и|а|ещё|еще)\\s+(?=${QUESTION_START})|,\\s*(?=${QUESTION_START})`,
  'giu',
);
// "And also", "as well as", "а также" join a second thing asked even without a question word: what comes
// after asks when what comes before does ("tell me about the pact as well as the Culture Year").
// "&" and "+" between two things asked ("the venue + why it was held") join them the same way.
const STRONG_JOIN =
  /\s+(?:and also|as well as|а также|и ещё|и еще|plus)\s+|\s+[&+]\s*|\s*[&+]\s+|\s*＋\s*/giu;
// Chinese clauses: "还有", "另外", "以及", "顺便问一下" after Chinese text, and a comma or space after a
// question ("论坛在哪里，谁发言了"); spaces between keywords ("论坛 主题") do not cut.
const HAN_JOIN =
  /(?<=\p{Script=Han}[吗呢吧么啊]?)\s*(?:[，,、\s]\s*)?(?:还有|還有|另外|以及|顺便问一下|顺便问下|顺便|順便|再问一下|再问下|此外)|(?<=什么|吗|呢|谁|哪|哪里|哪儿|几|几号|多少|怎么|怎样|如何|为什么|啥|时候)[，,、\s]+(?=\p{Script=Han})/u;

// "1)", "2.", "a)", "一是", "во-первых" opening an item of a list of things asked.
const ENUMERATOR =
  /^(?:\(?\d{1,2}[.)]\s*|\(?[a-zа-в]\)\s*|[一二三四]是|(?:во-первых|во-вторых|first(?:ly)?|second(?:ly)?)[,\s]+)/iu;
// A request for information is a question too: "tell me about…", "расскажите о…", "介绍一下…". The
// Russian imperatives are requests anywhere ("Ну и заодно перечислите…"); "tell" or "list" only open one.
const REQUEST_RU = '(?:расскаж|объясн|опиш|подскаж|назов|перечисл|поясн|напиш|скаж|уточн)\\p{L}*(?![\\p{L}])';
// ...about something: "Подскажите, пожалуйста, где…" asks in its next clause, not in the bare verb.
const NOT_BARE = '(?!(?:[\\s,.!]|please|pls|me|us|мне|нам|пожалуйста)*$)';
const REQUEST_START =
  '(?:(?:please|pls|пожалуйста|можете|можешь|(?:can|could|would|will) (?:you|u)(?: please)?)\\s+)?' +
  `(?:(?:tell|explain|describe|list|name|summari[sz]e|give)(?![\\p{L}])|${REQUEST_RU})${NOT_BARE}`;
// A sentence with a request in it, or a wish to know ("просил узнать, где…", "I wonder who…"): it asks,
// whatever mark ends it.
const REQUEST = new RegExp(
  `(?:^|[\\s,—–-])(?:${REQUEST_RU}${NOT_BARE}|` +
    `(?:узна\\p{L}*|знать|понять|интересно|wonder|want to know|like to know|curious)[\\s,]+(?:${QUESTION_START}))|^\\s*${REQUEST_START}`,
  'iu',
);
// What makes a part a question: a question mark, a question word opening it, a Chinese question word,
// particle or request anywhere ("论坛在哪", "是真的吗", "介绍一下论坛"), or a request (REQUEST, above).
const ASKS = new RegExp(
  `[?？]|^\\s*${QUESTION_START}|[什么哪谁几多少吗呢怎为如啥咩乜边邊]|是否|有没有|有沒有|` +
    `介绍|介紹|讲讲|講講|说说|說說|讲一下|说一下|告诉|告訴|解释|解釋|概括|总结|總結|\\bli\\b|(?<![\\p{L}])ли(?![\\p{L}])`,
  'iu',
);

/** Whether a part of a message asks something. */
export const asks = (part: string) => ASKS.test(part) || REQUEST.test(part);

/** A sentence or clause of a message, and whether its sentence ends with a question mark. */
interface Piece {
  text: string;
  /** Its sentence ends with a question mark, or with no mark at all ("…? and who signed it"). */
  marked: boolean;
  /** It follows a strong join ("…as well as X"): it carries on what the clause before does. */
  continues: boolean;
}

/** The sentences and clauses of a message, in order, each with whether its sentence ends with "?". */
function pieces(text: string): Piece[] {
  const out = text.split(SENTENCE_END).flatMap((sentence) => {
    // A sentence with no end mark at all (often the last one, typed without "?") is read by its words,
    // and so is a request ("Ещё уточните дату, пожалуйста.").
    const marked =
      /[?？]\s*$/u.test(sentence) || !/[.!！。…;；:：]\s*$/u.test(sentence) || REQUEST.test(sentence);
    return sentence.split(STRONG_JOIN).flatMap((group, g) =>
      joinBareAsks(
        group
          .split(CLAUSE_JOIN)
          .flatMap((clause) => clause.split(HAN_JOIN))
          .flatMap(splitHanClauses)
          .map((part) => part.trim().replace(ENUMERATOR, ''))
          .filter((part) => /[\p{L}\p{N}]/u.test(part)),
      ).map((part, i) => ({ text: part, marked, continues: g > 0 && i === 0 })),
    );
  });
  return out.length > 0 ? out : [{ text: text.trim(), marked: /[?？]\s*$/u.test(text), continues: false }];
}

// A clause that is only question words ("Когда", "and when?") asks them of the clause beside it.
const BARE_ASK = new RegExp(`^(?:${QUESTION_START}[\\s,?？]*)+$`, 'iu');

/**
 * Keeps "when and how was it announced?" and "who launched it and when?" as one clause: a clause of only
 * question words joins the one after it, or the one before it when it comes last.
 */
function joinBareAsks(clauses: string[]): string[] {
  const out: string[] = [];
  for (const clause of clauses) {
    const last = out.at(-1);
    if (last !== undefined && BARE_ASK.test(last)) out[out.length - 1] = `${last} ${clause}`;
    else out.push(clause);
  }
  const bare = out.at(-1);
  if (out.length >= 2 && bare !== undefined && BARE_ASK.test(bare)) {
    out.pop();
    out[out.length - 1] = `${out.at(-1)} ${bare}`;
  }
  return out;
}

// A plain "and" ("the theme and the focus", "дата и участники", "日子和参会人员"): it may join two things
// asked or two names in one question ("the agreement between the RSL and the NLC"); the engine tells which.
const PLAIN_AND = /\s+(?:and|и)\s+|(?<=\p{Script=Han}{2})[和及与跟](?=\p{Script=Han}{2})/iu;

/** The two sides of a clause's one plain "and", if it has exactly one. */
export function splitAtAnd(clause: string): [string, string] | undefined {
  const sides = clause.split(PLAIN_AND);
  return sides.length === 2 ? (sides as [string, string]) : undefined;
}

/** The sentences and clauses of a message, in order (the message itself when it has only one). */
export const splitParts = (text: string): string[] => pieces(text).map((p) => p.text);

// A Chinese comma: a clause ends there ("开幕是哪一天，会上谁讲了话").
const HAN_COMMA = /(?<=\p{Script=Han})\s*[，,、]\s*(?=\p{Script=Han})/u;

/**
 * Chinese puts the question word at the end of a clause, so a clause that asks is told apart at the
 * comma before it, away from the story before it ("我是学生，在写论文，论坛在哪开的"); a clause
 * that asks nothing stays with the one before it ("主题是什么啊，我很好奇").
 */
function splitHanClauses(text: string): string[] {
  const out: string[] = [];
  for (const piece of text.split(HAN_COMMA)) {
    const last = out.length - 1;
    if (last >= 0 && !asks(piece)) out[last] = `${out[last]}，${piece}`;
    else out.push(piece);
  }
  return out;
}

/**
 * Reads a message: markup, a reply-language request, and its parts; `maxLength` characters at most.
 * `knows(text)` tells whether a text holds a word of the knowledge base (see languageRequest).
 */
export function analyse(text: string, maxLength: number, knows?: (text: string) => boolean): Analysis {
  const plain = stripMarkup(text.slice(0, maxLength));
  // "Where was it held? Answer in Russian": the language the message asks for wins, and is not matched.
  const request = languageRequest(plain, knows);
  const question = request ? request.rest : plain;
  // In a message that uses question marks, a clause of a sentence ending with another mark tells, not
  // asks: "Говорят, что пакт подписали в августе." ("что" is "that" there).
  const marked = /[?？]/.test(question);
  const parts: Part[] = [];
  for (const piece of pieces(question)) {
    const carries = piece.continues && parts.at(-1)?.asks === true;
    parts.push({ text: piece.text, asks: (asks(piece.text) || carries) && (!marked || piece.marked) });
  }
  return { question, ...(request ? { requested: request.lang } : {}), parts };
}
