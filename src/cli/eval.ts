import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import type { Engine } from '../engine/types.js';
import { DEFAULT_KNOWLEDGE_DIR } from '../knowledge/load.js';
import { langSchema } from '../knowledge/schema.js';

/** One evaluation case, as stored in knowledge/eval/*.jsonl. */
export const evalCaseSchema = z.strictObject({
  text: z.string().min(1),
  /** The entry that should answer, or null when the question is out of scope. */
  expect: z.string().nullable(),
  /** The language the reply must be in. */
  reply: langSchema,
  /** The user's explicit reply-language choice, if any. */
  lang: langSchema.optional(),
  kind: z.string().min(1),
});
export type EvalCase = z.infer<typeof evalCaseSchema>;

/** The targets `npm run eval` holds the engine to; below any of them it exits non-zero. */
export const EVAL_TARGETS = {
  /** Top-1 accuracy on in-scope questions, in every language. */
  inScopeAccuracy: 0.97,
  /** Share of replies in the expected language. */
  replyLanguage: 1,
  /** Share of clearly unrelated questions not answered. */
  farRejection: 0.95,
  /** Share of near-miss questions (same institutions, unanswered by the article) not answered. */
  nearRejection: 0.85,
} as const;

export const DEFAULT_EVAL_DIR = join(DEFAULT_KNOWLEDGE_DIR, 'eval');

/** Reads every knowledge/eval/*.jsonl file; a bad line fails with the file and line number. */
export function loadEvalSet(dir: string = DEFAULT_EVAL_DIR): (EvalCase & { file: string })[] {
  const cases: (EvalCase & { file: string })[] = [];
  for (const file of readdirSync(dir)
    .filter((f) => f.endsWith('.jsonl'))
    .sort()) {
    readFileSync(join(dir, file), 'utf8')
      .split('\n')
      .forEach((line, i) => {
        if (!line.trim()) return;
        const parsed = evalCaseSchema.safeParse(JSON.parse(line));
        if (!parsed.success) throw new Error(`${file}:${i + 1}: ${parsed.error.issues[0]?.message}`);
        cases.push({ ...parsed.data, file });
      });
  }
  return cases;
}

interface Tally {
  total: number;
  correct: number;
}
const rate = (t: Tally) => (t.total === 0 ? null : t.correct / t.total);

/** A question the engine got wrong. */
export interface Miss {
  text: string;
  lang?: string;
  kind: string;
  expected: string | null;
  got: string | null;
  gotKind: string;
  score: number | null;
}

/** The evaluation's figures, as `--json` prints them. */
export interface EvalReport {
  cases: number;
  inScope: Record<string, { accuracy: number | null; total: number }>;
  byKind: Record<string, { accuracy: number | null; total: number }>;
  replyLanguage: { accuracy: number | null; total: number };
  rejection: { far: number | null; near: number | null; farTotal: number; nearTotal: number };
  misses: Miss[];
  failures: string[];
  pass: boolean;
}

/** Runs every case through the engine and scores it against EVAL_TARGETS. */
export function evaluate(engine: Engine, cases: readonly EvalCase[]): EvalReport {
  const perLang = new Map<string, Tally>();
  const perKind = new Map<string, Tally>();
  const reply: Tally = { total: 0, correct: 0 };
  const far: Tally = { total: 0, correct: 0 };
  const near: Tally = { total: 0, correct: 0 };
  const misses: Miss[] = [];
  const bump = (map: Map<string, Tally>, key: string, ok: boolean) => {
    const t = map.get(key) ?? { total: 0, correct: 0 };
    t.total += 1;
    t.correct += ok ? 1 : 0;
    map.set(key, t);
  };

  for (const c of cases) {
    const result = engine.ask(c.text, c.lang ? { lang: c.lang } : {});
    const got = result.kind === 'answer' ? result.entry.id : null;
    const ok = got === c.expect;
    reply.total += 1;
    reply.correct += result.lang === c.reply ? 1 : 0;
    if (c.expect === null) {
      const tally = c.kind === 'oos-far' ? far : near;
      tally.total += 1;
      tally.correct += ok ? 1 : 0;
    } else {
      bump(perLang, c.reply, ok);
    }
    bump(perKind, c.kind, ok);
    if (!ok || result.lang !== c.reply) {
      misses.push({
        text: c.text,
        lang: c.lang,
        kind: c.kind,
        expected: c.expect,
        got: result.lang !== c.reply ? `${got} (reply in ${result.lang}, expected ${c.reply})` : got,
        gotKind: result.kind,
        score: result.score,
      });
    }
  }

  const failures: string[] = [];
  const inScope = Object.fromEntries(
    [...perLang].sort().map(([lang, t]) => [lang, { accuracy: rate(t), total: t.total }]),
  );
  for (const [lang, { accuracy }] of Object.entries(inScope)) {
    if ((accuracy ?? 0) < EVAL_TARGETS.inScopeAccuracy) {
      failures.push(`in-scope top-1 accuracy (${lang}) below ${EVAL_TARGETS.inScopeAccuracy}`);
    }
  }
  if ((rate(reply) ?? 0) < EVAL_TARGETS.replyLanguage) failures.push('reply-language accuracy below 1');
  if ((rate(far) ?? 0) < EVAL_TARGETS.farRejection)
    failures.push(`far rejection below ${EVAL_TARGETS.farRejection}`);
  if ((rate(near) ?? 0) < EVAL_TARGETS.nearRejection)
    failures.push(`near rejection below ${EVAL_TARGETS.nearRejection}`);

  return {
    cases: cases.length,
    inScope,
    byKind: Object.fromEntries(
      [...perKind].sort().map(([k, t]) => [k, { accuracy: rate(t), total: t.total }]),
    ),
    replyLanguage: { accuracy: rate(reply), total: reply.total },
    rejection: { far: rate(far), near: rate(near), farTotal: far.total, nearTotal: near.total },
    misses,
    failures,
    pass: failures.length === 0,
  };
}

const pct = (x: number | null) => (x === null ? '   -  ' : `${(x * 100).toFixed(1).padStart(5)}%`);

/** The human-readable table `npm run eval` prints. */
export function formatReport(report: EvalReport): string {
  const out: string[] = [
    `Evaluation: ${report.cases} cases`,
    '',
    'In-scope top-1 accuracy by reply language:',
  ];
  for (const [lang, v] of Object.entries(report.inScope))
    out.push(`  ${lang.padEnd(14)} ${pct(v.accuracy)}  (${v.total})`);
  out.push('', 'By kind of question (top-1, or rejection for oos-*):');
  for (const [kind, v] of Object.entries(report.byKind))
    out.push(`  ${kind.padEnd(14)} ${pct(v.accuracy)}  (${v.total})`);
  out.push(
    '',
    `Reply language:       ${pct(report.replyLanguage.accuracy)}  (${report.replyLanguage.total})`,
    `Out-of-scope, far:    ${pct(report.rejection.far)}  (${report.rejection.farTotal}) rejected`,
    `Out-of-scope, near:   ${pct(report.rejection.near)}  (${report.rejection.nearTotal}) rejected`,
    '',
    `Misses (${report.misses.length}):`,
  );
  for (const m of report.misses) {
    const lang = m.lang ? ` [lang ${m.lang}]` : '';
    out.push(
      `  [${m.kind}] ${m.text}${lang}\n      expected ${m.expected ?? '(none)'}, got ${m.got ?? m.gotKind} (score ${m.score})`,
    );
  }
  out.push('', report.pass ? 'PASS: every target met.' : `FAIL: ${report.failures.join('; ')}`);
  return out.join('\n');
}
