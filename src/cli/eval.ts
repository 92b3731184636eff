import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
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

/** Reads every *.jsonl file of a folder; a bad line fails with the file and line number. */
export function loadEvalSet(dir: string): (EvalCase & { file: string })[] {
  const cases: (EvalCase & { file: string })[] = [];
  if (!existsSync(dir)) return cases;
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
        const parsed = evalCaseSchema.safeParse(value);
        if (!parsed.success)
          throw new Error(`${join(dir, file)}:${i + 1}: ${parsed.error.issues[0]?.message}`);
        cases.push({ ...parsed.data, file });
      });
  }
  return cases;
}

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
  misses: Miss[];
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
  const misses: Miss[] = [];
  for (const c of cases) {
    const result = engine.ask(c.text, c.lang ? { lang: c.lang } : {});
    const ok = judge(c, result);
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
  return { cases: cases.length, byLang, byStyle, facts, misses };
}

/** The targets a gated set's report misses, as readable lines (empty when it meets them all). */
export function failures(name: string, report: EvalReport): string[] {
  const out: string[] = [];
  for (const lang of LANGS) {
    const figures = report.byLang[lang];
    if (!figures) continue;
    const inScope = rate(figures.inScope);
    const outOfScope = rate(figures.outOfScope);
    if (inScope !== null && inScope < EVAL_TARGETS.inScope)
      out.push(`${name} ${lang}: in-scope ${pct(inScope)} < ${EVAL_TARGETS.inScope * 100}%`);
    if (outOfScope !== null && outOfScope < EVAL_TARGETS.outOfScope)
      out.push(`${name} ${lang}: out-of-scope ${pct(outOfScope)} < ${EVAL_TARGETS.outOfScope * 100}%`);
  }
  return out;
}

const pct = (x: number | null) => (x === null ? '-' : `${(x * 100).toFixed(1)}%`);
const cell = (t: Tally | undefined) => (t && t.total > 0 ? `${pct(rate(t))} (${t.total})` : '-').padStart(14);

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
