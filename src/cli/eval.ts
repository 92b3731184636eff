import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import {
  type ConversationState,
  converse,
  NEW_CONVERSATION,
  type Turn,
} from '../conversation/conversation.js';
import type { Engine, EngineResult, Lang } from '../engine/types.js';
import { DEFAULT_KNOWLEDGE_DIR } from '../knowledge/load.js';
import { LANGS, langSchema } from '../knowledge/schema.js';
import { normalizeText } from '../language/normalize.js';

/** One evaluation case, as stored in knowledge/eval/<set>/*.jsonl. */
export const evalCaseSchema = z.strictObject({
  text: z.string().min(1),
  /** The entries a right reply answers (two for a two-part question), or null when the article has no answer. */
  expect: z.array(z.string().min(1)).min(1).nullable(),
  /** The language the reply must be in. */
  reply: langSchema,
  /** The user's explicit reply-language choice, if any. */
  lang: langSchema.optional(),
  /** How the question is written: paraphrase, typo, long, two-part, oos-near... */
  style: z.string().min(1),
  /** Short facts any right reply contains, in the reply language (reported, not a gate). */
  facts: z.array(z.string().min(1)).default([]),
  /** For a near miss: the entry about the same subject, which an honest partial answer may quote. */
  related: z.string().optional(),
});
export type EvalCase = z.infer<typeof evalCaseSchema>;

/**
 * The sets: `tuning` is the old main set, looked at case by case for years of tuning (reported only);
 * `dev` was written blind and may be looked at while improving the method; `test` was written blind
 * and is sealed: `npm run eval` prints its aggregates only, and nobody reads its cases.
 */
export const EVAL_SETS = ['tuning', 'dev', 'test'] as const;
export type EvalSetName = (typeof EVAL_SETS)[number];
/** The sets `npm run eval` holds to EVAL_TARGETS. */
export const GATED_SETS: readonly EvalSetName[] = ['dev', 'test'];
/** Sets whose misses are never printed. */
export const SEALED_SETS: readonly EvalSetName[] = ['test'];

/** The targets for the gated sets, in every language; below any of them `npm run eval` exits 1. */
export const EVAL_TARGETS = {
  /** Share of in-scope questions answered with the expected entries, in the expected language. */
  inScope: 0.95,
  /** Share of out-of-scope questions refused or given an honest partial answer (not an answer, not "did you mean"). */
  outOfScope: 0.95,
} as const;

export const DEFAULT_EVAL_DIR = join(DEFAULT_KNOWLEDGE_DIR, 'eval');

/** Every line of every *.jsonl file of a folder, read with a schema; a bad line fails naming file and line. */
function readJsonl<T>(dir: string, schema: z.ZodType<T>): (T & { file: string })[] {
  const out: (T & { file: string })[] = [];
  if (!existsSync(dir)) return out;
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        let value: unknown;
        try {
          value = JSON.parse(line);
        } catch (error) {
          throw new Error(`${join(dir, file)}:${i + 1}: ${(error as Error).message}`);
        }
        const parsed = schema.safeParse(value);
        if (!parsed.success)
          throw new Error(`${join(dir, file)}:${i + 1}: ${parsed.error.issues[0]?.message}`);
        out.push({ ...parsed.data, file });
      });
  }
  return out;
}

/** Reads every case of a folder of *.jsonl files. */
export const loadEvalSet = (dir: string) => readJsonl(dir, evalCaseSchema);

/** Every set by name (a missing folder gives an empty set). */
export function loadEvalSets(dir: string = DEFAULT_EVAL_DIR): Record<EvalSetName, EvalCase[]> {
  const sets = {} as Record<EvalSetName, EvalCase[]>;
  for (const name of EVAL_SETS) sets[name] = loadEvalSet(join(dir, name));
  return sets;
}

/** A question as a user's words: normalised, punctuation and spacing ignored (for overlap checks). */
export const questionKey = (text: string) => normalizeText(text).replace(/[^\p{L}\p{N}]+/gu, '');

/** The entries a result answers, primary first (empty unless it is an answer). */
export const answeredIds = (result: EngineResult): string[] =>
  result.kind === 'answer' ? [result.entry.id, ...result.also.map((e) => e.id)] : [];

/** Whether a reply is right for a case: the expected entries (or a refusal), in the expected language. */
export function judge(c: EvalCase, result: EngineResult): boolean {
  if (result.lang !== c.reply) return false;
  if (c.expect === null) return result.kind === 'notFound' || result.kind === 'partial';
  const ids = answeredIds(result);
  return c.expect.includes(ids[0] ?? '') && c.expect.every((id) => ids.includes(id));
}

interface Tally {
  total: number;
  right: number;
}
const rate = (t: Tally | undefined) => (!t || t.total === 0 ? null : t.right / t.total);

/** A case the engine got wrong (never collected for sealed sets). */
export interface Miss {
  text: string;
  style: string;
  expected: string[] | null;
  got: string;
  score: number | null;
}

/** The figures of one set. */
export interface EvalReport {
  cases: number;
  /** Per reply language: in-scope answered right, out-of-scope handled (refused or partial). */
  byLang: Record<string, { inScope: Tally; outOfScope: Tally }>;
  /** Per style and reply language: right (in scope) or handled (out of scope). */
  byStyle: Record<string, Record<string, Tally>>;
  /** Of the facts right answers must contain, how many their text contains. */
  facts: Tally;
  /** What the engine decided, in and out of scope (all languages): how calibrated its decisions are. */
  decisions: { inScope: Record<Outcome, number>; outOfScope: Record<Outcome, number> };
  misses: Miss[];
}

/** What a reply did with a case: answered it (rightly or not), offered suggestions, answered in part, refused. */
export type Outcome =
  | 'answerRight'
  | 'answerWrong'
  | 'suggestFirstRight'
  | 'suggestOther'
  | 'partial'
  | 'refused';
const OUTCOMES: readonly Outcome[] = [
  'answerRight',
  'answerWrong',
  'suggestFirstRight',
  'suggestOther',
  'partial',
  'refused',
];
const noOutcomes = () => Object.fromEntries(OUTCOMES.map((o) => [o, 0])) as Record<Outcome, number>;

/** The outcome of a case's reply; "right" ignores the reply language (the decision is what is measured). */
function outcomeOf(c: EvalCase, result: EngineResult): Outcome {
  switch (result.kind) {
    case 'answer': {
      const ids = answeredIds(result);
      return c.expect?.includes(ids[0] ?? '') ? 'answerRight' : 'answerWrong';
    }
    case 'suggestions':
      return c.expect?.includes(result.suggestions[0]?.id ?? '') ? 'suggestFirstRight' : 'suggestOther';
    case 'partial':
      return 'partial';
    default:
      return 'refused';
  }
}

const bump = (t: Tally, ok: boolean) => {
  t.total += 1;
  t.right += ok ? 1 : 0;
};

/** Runs every case through the engine; `reply(result)` gives the text a user reads (for the facts check). */
export function evaluate(
  engine: Engine,
  cases: readonly EvalCase[],
  { keepMisses = true, replyText }: { keepMisses?: boolean; replyText?: (r: EngineResult) => string } = {},
): EvalReport {
  const byLang: EvalReport['byLang'] = {};
  const byStyle: EvalReport['byStyle'] = {};
  const facts: Tally = { total: 0, right: 0 };
  const decisions = { inScope: noOutcomes(), outOfScope: noOutcomes() };
  const misses: Miss[] = [];
  for (const c of cases) {
    const result = engine.ask(c.text, c.lang ? { lang: c.lang } : {});
    const ok = judge(c, result);
    decisions[c.expect === null ? 'outOfScope' : 'inScope'][outcomeOf(c, result)] += 1;
    byLang[c.reply] ??= { inScope: { total: 0, right: 0 }, outOfScope: { total: 0, right: 0 } };
    const lang = byLang[c.reply] as { inScope: Tally; outOfScope: Tally };
    bump(c.expect === null ? lang.outOfScope : lang.inScope, ok);
    byStyle[c.style] ??= {};
    const style = byStyle[c.style] as Record<string, Tally>;
    style[c.reply] ??= { total: 0, right: 0 };
    bump(style[c.reply] as Tally, ok);
    if (ok && replyText && c.facts.length > 0) {
      const text = normalizeText(replyText(result));
      for (const fact of c.facts) bump(facts, text.includes(normalizeText(fact)));
    }
    if (!ok && keepMisses) {
      const ids = answeredIds(result);
      misses.push({
        text: c.text,
        style: c.style,
        expected: c.expect,
        got: `${result.kind}${ids.length ? ` ${ids.join('+')}` : result.kind === 'partial' ? ` ${result.entry.id}` : ''} (${result.lang})`,
        score: result.score,
      });
    }
  }
  return { cases: cases.length, byLang, byStyle, facts, decisions, misses };
}

/** The targets figures per language miss, as readable lines (empty when they meet them all). */
function missedTargets<K extends string>(
  name: string,
  byLang: Record<string, Record<K, Tally>>,
  targets: Readonly<Record<K, number>>,
): string[] {
  const out: string[] = [];
  for (const lang of LANGS) {
    for (const key of Object.keys(targets) as K[]) {
      const figure = rate(byLang[lang]?.[key]);
      if (figure !== null && figure < targets[key])
        out.push(`${name} ${lang}: ${key} ${pct(figure)} < ${targets[key] * 100}%`);
    }
  }
  return out;
}

/** The targets a gated set's report misses, as readable lines (empty when it meets them all). */
export const failures = (name: string, report: EvalReport): string[] =>
  missedTargets(name, report.byLang, EVAL_TARGETS);

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const cell = (t: Tally | undefined) => (t && t.total > 0 ? `${pct(rate(t))} (${t.total})` : '-').padStart(14);

const OUTCOME_LABELS: Record<Outcome, string> = {
  answerRight: 'answered right',
  answerWrong: 'answered wrong',
  suggestFirstRight: 'did-you-mean first right',
  suggestOther: 'did-you-mean other',
  partial: 'partial',
  refused: 'refused',
};

/** The table `npm run eval` prints for one set: per language, then per style; misses unless sealed. */
export function formatReport(name: string, report: EvalReport, { misses = true } = {}): string {
  const head = `${''.padEnd(16)}${LANGS.map((l) => l.padStart(14)).join('')}`;
  const row = (label: string, pick: (lang: Lang) => Tally | undefined) =>
    `${label.padEnd(16)}${LANGS.map((l) => cell(pick(l))).join('')}`;
  const out = [
    `${name}: ${report.cases} cases`,
    head,
    row('in scope', (l) => report.byLang[l]?.inScope),
    row('out of scope', (l) => report.byLang[l]?.outOfScope),
    '  by style:',
    ...Object.keys(report.byStyle)
      .sort()
      .map((style) => row(`  ${style}`, (l) => report.byStyle[style]?.[l])),
    `facts found in right answers: ${pct(rate(report.facts))} (${report.facts.total})`,
    ...(['inScope', 'outOfScope'] as const).map(
      (scope) =>
        `decisions ${scope === 'inScope' ? 'in scope' : 'out of scope'}: ` +
        OUTCOMES.map((o) => `${OUTCOME_LABELS[o]} ${report.decisions[scope][o]}`).join(', '),
    ),
  ];
  if (misses && report.misses.length > 0) {
    out.push(`misses (${report.misses.length}):`);
    for (const m of report.misses)
      out.push(
        `  [${m.style}] ${m.text}\n      expected ${m.expected?.join('+') ?? '(refusal)'}, got ${m.got} (score ${m.score})`,
      );
  }
  return out.join('\n');
}

/** One turn of an evaluation conversation. */
export const conversationTurnSchema = z.strictObject({
  text: z.string().min(1),
  /** The entries a right reply answers; null for "I don't know"; [] for a language switch with nothing to say again. */
  expect: z.array(z.string().min(1)).nullable(),
  reply: langSchema,
  facts: z.array(z.string().min(1)).default([]),
  kind: z.string().min(1),
});
/** One evaluation conversation, as stored in knowledge/eval/conversations/<set>/*.jsonl. */
export const conversationSchema = z.strictObject({
  id: z.string().min(1),
  lang: langSchema,
  turns: z.array(conversationTurnSchema).min(1),
});
export type EvalConversation = z.infer<typeof conversationSchema>;

/** The conversation sets: `dev` may be looked at; `test` is sealed (aggregates only). */
export const CONVERSATION_SETS = ['dev', 'test'] as const;

/** Every conversation of a folder of *.jsonl files. */
export const loadConversations = (dir: string) => readJsonl(dir, conversationSchema);

/** The conversation targets: turns right and whole conversations right, in every language. */
export const CONVERSATION_TARGETS = { turns: 0.95, conversations: 0.8 } as const;

/** Whether a turn's reply is right: the expected entries (or refusal, or just the language), in its language. */
export function judgeTurn(turn: z.infer<typeof conversationTurnSchema>, reply: Turn): boolean {
  if (reply.kind === 'switched') return turn.expect?.length === 0 && reply.lang === turn.reply;
  if (turn.expect?.length === 0) return reply.result.lang === turn.reply;
  return judge({ ...turn, expect: turn.expect, style: turn.kind, facts: [] }, reply.result);
}

/** A conversation the engine got wrong somewhere (never collected for sealed sets). */
export interface ConversationMiss {
  id: string;
  turn: number;
  text: string;
  expected: string[] | null;
  got: string;
}

/** Figures of a conversation set, per language of the conversation. */
export interface ConversationReport {
  conversations: number;
  byLang: Record<string, { turns: Tally; conversations: Tally }>;
  byKind: Record<string, Tally>;
  misses: ConversationMiss[];
}

/** Runs every conversation through `converse`, keeping the user's language choice as an adapter does. */
export function evaluateConversations(
  engine: Engine,
  conversations: readonly EvalConversation[],
  { keepMisses = true } = {},
): ConversationReport {
  const byLang: ConversationReport['byLang'] = {};
  const byKind: ConversationReport['byKind'] = {};
  const misses: ConversationMiss[] = [];
  for (const c of conversations) {
    byLang[c.lang] ??= { turns: { total: 0, right: 0 }, conversations: { total: 0, right: 0 } };
    const figures = byLang[c.lang] as { turns: Tally; conversations: Tally };
    let state: ConversationState = { ...NEW_CONVERSATION };
    let chosen: Lang | undefined;
    let all = true;
    c.turns.forEach((turn, i) => {
      const outcome = converse(engine, state, turn.text, { chosen, fallbackLang: c.lang });
      state = outcome.state;
      chosen = outcome.chosen ?? chosen;
      const ok = judgeTurn(turn, outcome.turn);
      all &&= ok;
      bump(figures.turns, ok);
      byKind[turn.kind] ??= { total: 0, right: 0 };
      bump(byKind[turn.kind] as Tally, ok);
      if (!ok && keepMisses) {
        const got =
          outcome.turn.kind === 'switched'
            ? `switched (${outcome.turn.lang})`
            : `${outcome.turn.result.kind} ${answeredIds(outcome.turn.result).join('+')} (${outcome.turn.result.lang})`;
        misses.push({ id: c.id, turn: i + 1, text: turn.text, expected: turn.expect, got });
      }
    });
    bump(figures.conversations, all);
  }
  return { conversations: conversations.length, byLang, byKind, misses };
}

/** The targets a conversation report misses, as readable lines. */
export const conversationFailures = (name: string, report: ConversationReport): string[] =>
  missedTargets(name, report.byLang, CONVERSATION_TARGETS);

/** The table `npm run eval` prints for a conversation set. */
export function formatConversationReport(
  name: string,
  report: ConversationReport,
  { misses = true } = {},
): string {
  const row = (label: string, pick: (lang: Lang) => Tally | undefined) =>
    `${label.padEnd(16)}${LANGS.map((l) => cell(pick(l))).join('')}`;
  const out = [
    `conversations ${name}: ${report.conversations} conversations`,
    `${''.padEnd(16)}${LANGS.map((l) => l.padStart(14)).join('')}`,
    row('turns right', (l) => report.byLang[l]?.turns),
    row('whole right', (l) => report.byLang[l]?.conversations),
    '  turns by kind:',
    ...Object.keys(report.byKind)
      .sort()
      .map((kind) => `  ${kind.padEnd(14)}${cell(report.byKind[kind])}`),
  ];
  if (misses && report.misses.length > 0) {
    out.push(`misses (${report.misses.length}):`);
    for (const m of report.misses)
      out.push(
        `  [${m.id} #${m.turn}] ${m.text}\n      expected ${m.expected?.join('+') ?? '(refusal)'}, got ${m.got}`,
      );
  }
  return out.join('\n');
}
