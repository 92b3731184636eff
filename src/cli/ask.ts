import { createInterface } from 'node:readline';
import {
  type ConversationState,
  converse,
  NEW_CONVERSATION,
  type Turn,
} from '../conversation/conversation.js';
import type { EngineResult, Lang } from '../engine/types.js';
import { translator } from '../i18n.js';
import { KnowledgeError } from '../knowledge/load.js';
import { LANGS } from '../knowledge/schema.js';
import { buildReply, renderText } from '../render/reply.js';
import { fail, parseCliArgs, USAGE_EXIT_CODE, wantsJson } from './args.js';
import { type AppContext, createAppContext } from './context.js';
import { answeredIds } from './eval.js';

/** One line of `ask --jsonl` / `ask --json` output. */
export interface AskRecord {
  lang: Lang;
  detected: Lang | null;
  /** True only for an answer; a partial answer ("the article does not say; what it says: ...") is false. */
  matched: boolean;
  /** answer, partial, suggestions, notFound, or switched (a language switch with nothing to say again). */
  kind: EngineResult['kind'] | 'switched';
  /** The entry answered (the first part of a several-part answer), or the related entry of a partial one. */
  id: string | null;
  /** Every entry answered, in order (several for "when and where?"). */
  ids: string[];
  score: number | null;
  answer: string;
  suggestions: string[];
}

const isLang = (value: unknown): value is Lang =>
  typeof value === 'string' && (LANGS as readonly string[]).includes(value);

/** The JSON record for one turn: exactly what a chat user would be told, plus the match data. */
export function turnRecord(context: AppContext, turn: Turn): AskRecord {
  if (turn.kind === 'switched') {
    const answer = translator(context.i18n, turn.lang)('language.changed');
    return {
      lang: turn.lang,
      detected: null,
      matched: false,
      kind: 'switched',
      id: null,
      ids: [],
      score: null,
      answer,
      suggestions: [],
    };
  }
  const { result } = turn;
  const view = buildReply(result, context.engine, translator(context.i18n, result.lang));
  return {
    lang: result.lang,
    detected: result.detected,
    matched: result.kind === 'answer',
    kind: result.kind,
    id: result.kind === 'answer' || result.kind === 'partial' ? result.entry.id : null,
    ids: answeredIds(result),
    score: result.score,
    answer: renderText(view),
    suggestions:
      result.kind === 'answer'
        ? result.alternatives.map((r) => r.id)
        : result.kind === 'partial'
          ? []
          : result.suggestions.map((r) => r.id),
  };
}

/** The JSON record for one question asked on its own. */
export const askRecord = (context: AppContext, text: string, lang?: Lang): AskRecord =>
  turnRecord(context, converse(context.engine, NEW_CONVERSATION, text, { chosen: lang }).turn);

/** One --jsonl input line: a question, its explicit reply language, and the conversation it belongs to. */
export interface JsonlQuestion {
  text: string;
  lang?: Lang;
  /** Lines with the same chat id are one conversation, in input order; lines without one stand alone. */
  chat?: string;
}

/** Parses one --jsonl input line into a question, or explains what is wrong with it. */
export function parseJsonlLine(line: string): JsonlQuestion | { error: string } {
  if (!line.trim()) return { error: 'empty line' };
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return { error: 'not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { error: 'expected a JSON object like {"text": "...", "lang": "ru"}' };
  }
  const { text, lang, chat } = value as { text?: unknown; lang?: unknown; chat?: unknown };
  if (typeof text !== 'string') return { error: '"text" must be a string' };
  if (lang !== undefined && lang !== null && !isLang(lang))
    return { error: '"lang" must be one of zh, ru, en' };
  if (chat !== undefined && chat !== null && typeof chat !== 'string' && typeof chat !== 'number')
    return { error: '"chat" must be a string' };
  return {
    text,
    ...(isLang(lang) ? { lang } : {}),
    ...(chat !== undefined && chat !== null ? { chat: String(chat) } : {}),
  };
}

const USAGE =
  'usage: ask [--lang zh|ru|en] [--json] [--explain] "question"   |   ask --jsonl < questions.jsonl';

/** The batch CLI: one question from the arguments, or JSON lines from stdin. Returns the exit code. */
export async function runAsk(argv: string[], context?: AppContext): Promise<number> {
  const parsed = parseCliArgs(
    {
      args: argv,
      allowPositionals: true,
      options: {
        lang: { type: 'string' },
        json: { type: 'boolean' },
        explain: { type: 'boolean' },
        jsonl: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
    process,
  );
  if (typeof parsed === 'number') return parsed;
  const { values, positionals } = parsed;
  // --jsonl answers in JSON too, so its errors are JSON lines like its malformed input lines.
  const json = Boolean(values.json || values.jsonl) || wantsJson(argv);
  const misuse = (message: string) => fail(process, json, `${message}; ${USAGE}`, USAGE_EXIT_CODE);
  if (values.lang !== undefined && !isLang(values.lang)) {
    return misuse(`--lang must be one of zh, ru, en (got ${JSON.stringify(values.lang)})`);
  }
  if (values.jsonl && positionals.length > 0) {
    // The questions come from standard input: an argument would be silently dropped.
    return misuse(
      `--jsonl reads the questions from standard input, not ${JSON.stringify(positionals.join(' '))}`,
    );
  }
  if (values.jsonl && values.explain) return misuse('--explain works on one question, not with --jsonl');
  let ctx: AppContext;
  try {
    ctx = context ?? createAppContext();
  } catch (error) {
    if (!(error instanceof KnowledgeError)) throw error;
    return fail(process, json, error.message, 1);
  }

  if (values.jsonl) {
    const lines = createInterface({
      input: process.stdin,
      crlfDelay: Number.POSITIVE_INFINITY,
      terminal: false,
    });
    // One conversation per chat id, as the bot keeps one per user; output line N answers input line N.
    const chats = new Map<string, { state: ConversationState; chosen?: Lang }>();
    for await (const line of lines) {
      const parsed = parseJsonlLine(line);
      if ('error' in parsed) {
        process.stdout.write(`${JSON.stringify(parsed)}\n`);
        continue;
      }
      const chat = parsed.chat === undefined ? undefined : chats.get(parsed.chat);
      const chosen = parsed.lang ?? chat?.chosen ?? values.lang;
      const outcome = converse(ctx.engine, chat?.state ?? NEW_CONVERSATION, parsed.text, { chosen });
      if (parsed.chat !== undefined)
        chats.set(parsed.chat, { state: outcome.state, chosen: outcome.chosen ?? chat?.chosen });
      process.stdout.write(`${JSON.stringify(turnRecord(ctx, outcome.turn))}\n`);
    }
    return 0;
  }

  const question = positionals.join(' ').trim();
  if (!question) return misuse('no question given');
  if (values.explain) {
    const { terms, ranked } = ctx.engine.explain(question);
    const shown = terms.map(
      (t) =>
        `${t.text}${t.known ? '' : '?'} w=${t.weight.toFixed(2)}${t.factor < 1 ? ` x${t.factor.toFixed(2)}` : ''}`,
    );
    process.stdout.write(
      `terms: ${shown.join(' | ')}\n${ranked.map((r) => `  ${r.score.toFixed(3)} ${r.id}`).join('\n')}\n`,
    );
  }
  const record = askRecord(ctx, question, values.lang);
  process.stdout.write(values.json ? `${JSON.stringify(record)}\n` : `${record.answer}\n`);
  return 0;
}
