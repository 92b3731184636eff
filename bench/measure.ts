import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import type { EvalCase } from '../src/cli/eval.js';
import type { KnowledgeBase } from '../src/knowledge/load.js';
import { createRandom } from './synthetic.js';
import type { Hit, ScoreOrder, SystemUnderTest } from './systems.js';

/** How much each system is measured; DEFAULT_MEASURE_OPTIONS and QUICK_MEASURE_OPTIONS hold the two runs. */
export interface MeasureOptions {
  /** Questions timed per system (cycling through the dev questions), unless the time budget ends first. */
  latencyQuestions: number;
  /** Wall-clock budget of the timed loop per system and knowledge base size (a quarter if the accuracy pass ran out of time). */
  latencyBudgetMs: number;
  /** Untimed questions before the timed loop (on top of the accuracy pass, which warms up as well). */
  warmupQuestions: number;
  /**
   * Wall-clock budget of the accuracy pass per system and size. A system too slow to get through the
   * dev set is scored on the part it got through (the cases are in a seeded random order, so that part
   * is a random sample); `eval_n` says how many.
   */
  evalBudgetMs: number;
  /** Below this many scored cases a system's accuracy is not reported (null). */
  minEvalCases: number;
  /** Below this many timed questions no p99 is reported (it would be the maximum of a handful). */
  minLatencyForP99: number;
  /** Orders the dev cases, so any prefix is a random sample. */
  seed: number;
}

export const DEFAULT_MEASURE_OPTIONS: Readonly<MeasureOptions> = Object.freeze({
  latencyQuestions: 20_000,
  latencyBudgetMs: 10_000,
  warmupQuestions: 1_000,
  evalBudgetMs: 30_000,
  minEvalCases: 50,
  minLatencyForP99: 100,
  seed: 1,
});

export const QUICK_MEASURE_OPTIONS: Readonly<MeasureOptions> = Object.freeze({
  latencyQuestions: 2_000,
  latencyBudgetMs: 1_500,
  warmupQuestions: 200,
  evalBudgetMs: 3_000,
  minEvalCases: 50,
  minLatencyForP99: 100,
  seed: 1,
});

/** One system's figures on one knowledge base. */
export interface SystemFigures {
  entries: number;
  /** Top-1 accuracy on the dev set's in-scope questions (all languages), or null when too few were scored. */
  accuracy: number | null;
  accuracy_by_lang: Record<string, number | null>;
  /** Share of the dev set's out-of-scope questions (far and near) not answered. */
  oos_rejection: number | null;
  /**
   * The same two figures on the sealed test set (knowledge/eval/test), at the threshold chosen on dev;
   * 1x only, aggregates only; null when not measured (no test set, or the dev pass ran out of time).
   */
  test: { accuracy: number | null; oos_rejection: number | null; cases: number } | null;
  /** The raw-score threshold chosen for a baseline on the dev set (null for the engine, which decides itself). */
  threshold: number | null;
  /** Dev cases scored (all of them unless the system ran out of its time budget). */
  eval_n: number;
  eval_total: number;
  p50_us: number | null;
  p99_us: number | null;
  max_us: number | null;
  /** Questions timed. */
  latency_n: number;
  build_ms: number;
  /** Heap held by the built index (after a full GC). */
  heap_mb: number;
}

/** Forces a full garbage collection; works with or without `node --expose-gc`. */
export const gc: () => void = (() => {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (exposed) return exposed;
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
})();

/** The value at quantile q (0..1) of ascending-sorted values (nearest rank). */
export function quantile(sorted: ArrayLike<number>, q: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank] as number;
}

/** A copy in a seeded random order. */
export function shuffled<T>(items: readonly T[], seed: number): T[] {
  const random = createRandom(seed);
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** One scored case: what was expected (the entries a right reply answers, or null) and what the system found. */
export interface Outcome {
  expect: readonly string[] | null;
  reply: string;
  hit: Hit | null;
}

const accepts = (order: ScoreOrder, hit: Hit | null, threshold: number) =>
  hit !== null &&
  (order === 'decided' || (order === 'lower' ? hit.score <= threshold : hit.score >= threshold));

/**
 * Accuracy (in-scope top-1, overall and per reply language) and out-of-scope rejection at a threshold.
 * A hit is right when its entry is one of the expected ones; the reply language is not judged (the
 * baselines have none), so the engine's accuracy here can be above `npm run eval`'s.
 */
export function score(outcomes: readonly Outcome[], order: ScoreOrder, threshold: number) {
  let inScope = 0;
  let correct = 0;
  let oos = 0;
  let rejected = 0;
  const perLang = new Map<string, { total: number; correct: number }>();
  for (const o of outcomes) {
    const answered = accepts(order, o.hit, threshold) ? (o.hit as Hit).id : null;
    if (o.expect === null) {
      oos += 1;
      rejected += answered === null ? 1 : 0;
    } else {
      inScope += 1;
      const ok = answered !== null && o.expect.includes(answered);
      correct += ok ? 1 : 0;
      const t = perLang.get(o.reply) ?? { total: 0, correct: 0 };
      t.total += 1;
      t.correct += ok ? 1 : 0;
      perLang.set(o.reply, t);
    }
  }
  return {
    accuracy: inScope === 0 ? null : correct / inScope,
    oos_rejection: oos === 0 ? null : rejected / oos,
    byLang: Object.fromEntries(
      [...perLang].sort(([a], [b]) => a.localeCompare(b)).map(([l, t]) => [l, t.correct / t.total]),
    ) as Record<string, number | null>,
  };
}

/**
 * The threshold that maximises accuracy + out-of-scope rejection on these outcomes (ties: the higher
 * accuracy). Every distinct top-hit score is tried, so it is the best a fixed threshold can do.
 */
export function bestThreshold(outcomes: readonly Outcome[], order: ScoreOrder): number | null {
  if (order === 'decided') return null;
  const candidates = [...new Set(outcomes.flatMap((o) => (o.hit ? [o.hit.score] : [])))];
  if (candidates.length === 0) return null;
  let best: { threshold: number; sum: number; accuracy: number } | null = null;
  for (const threshold of candidates) {
    const s = score(outcomes, order, threshold);
    const sum = (s.accuracy ?? 0) + (s.oos_rejection ?? 0);
    const accuracy = s.accuracy ?? 0;
    if (!best || sum > best.sum || (sum === best.sum && accuracy > best.accuracy)) {
      best = { threshold, sum, accuracy };
    }
  }
  return best?.threshold ?? null;
}

/** Heap held by what `build` returns: full GC before, build, full GC after. */
export function measureBuild<T>(build: () => T): { value: T; build_ms: number; heap_mb: number } {
  gc();
  const before = process.memoryUsage().heapUsed;
  const start = performance.now();
  const value = build();
  const build_ms = performance.now() - start;
  gc();
  const heap_mb = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  return { value, build_ms, heap_mb };
}

/**
 * Measures one system on one knowledge base: build time and heap, accuracy and rejection on the dev
 * set (threshold chosen there for baselines) and, when given, on the sealed test set at that threshold
 * (aggregates only: no case of it is kept or printed), then per-question latency over a warm, timed loop.
 */
export function measureSystem(
  system: SystemUnderTest,
  kb: KnowledgeBase,
  cases: readonly EvalCase[],
  test: readonly EvalCase[] | null,
  options: MeasureOptions,
): SystemFigures {
  const { value: searcher, build_ms, heap_mb } = measureBuild(() => system.build(kb));
  const ordered = shuffled(cases, options.seed);
  const ask = (c: EvalCase) => searcher.top(c.text, c.lang);

  // Accuracy pass (also the first warm-up), within its time budget.
  const outcomes: Outcome[] = [];
  const evalStart = performance.now();
  for (const c of ordered) {
    outcomes.push({ expect: c.expect, reply: c.reply, hit: ask(c) });
    const spent = performance.now() - evalStart;
    if (spent > options.evalBudgetMs) break;
    // After two questions, give up early when even the minimum sample would take twice the budget.
    if (outcomes.length === 2 && (spent / 2) * options.minEvalCases > 2 * options.evalBudgetMs) break;
  }
  const complete = outcomes.length === ordered.length;
  const threshold = bestThreshold(outcomes, system.order);
  const scored = score(outcomes, system.order, threshold ?? 0);
  const enough = outcomes.length >= Math.min(options.minEvalCases, ordered.length);

  let testFigures: SystemFigures['test'] = null;
  if (test && test.length > 0 && complete) {
    const s = score(
      test.map((c) => ({ expect: c.expect, reply: c.reply, hit: ask(c) })),
      system.order,
      threshold ?? 0,
    );
    testFigures = { accuracy: s.accuracy, oos_rejection: s.oos_rejection, cases: test.length };
  }

  // Timed loop: warm up, then time each question, cycling through the dev set.
  const texts = ordered.map((c) => c.text);
  const warmupEnd = performance.now() + options.latencyBudgetMs / 10;
  for (let i = 0; i < options.warmupQuestions && complete && performance.now() < warmupEnd; i++) {
    searcher.top(texts[i % texts.length] as string);
  }
  gc();
  const times = new Float64Array(options.latencyQuestions);
  let n = 0;
  // A system too slow for the dev set gets a quarter of the budget: a handful of samples either way.
  const loopEnd = performance.now() + options.latencyBudgetMs / (complete ? 1 : 4);
  while (n < options.latencyQuestions && (n < 2 || performance.now() < loopEnd)) {
    const text = texts[n % texts.length] as string;
    const start = process.hrtime.bigint();
    searcher.top(text);
    times[n] = Number(process.hrtime.bigint() - start) / 1000;
    n += 1;
  }
  const sorted = times.subarray(0, n).sort();

  const round = (x: number | null, digits = 1) => (x === null ? null : Number(x.toFixed(digits)));
  return {
    entries: kb.entries.length,
    accuracy: enough ? round(scored.accuracy, 4) : null,
    accuracy_by_lang: enough
      ? Object.fromEntries(Object.entries(scored.byLang).map(([l, a]) => [l, round(a, 4)]))
      : {},
    oos_rejection: enough ? round(scored.oos_rejection, 4) : null,
    test: testFigures && {
      accuracy: round(testFigures.accuracy, 4),
      oos_rejection: round(testFigures.oos_rejection, 4),
      cases: testFigures.cases,
    },
    threshold: threshold === null ? null : Number(threshold.toPrecision(4)),
    eval_n: outcomes.length,
    eval_total: ordered.length,
    p50_us: round(quantile(sorted, 0.5)),
    p99_us: n >= options.minLatencyForP99 ? round(quantile(sorted, 0.99)) : null,
    max_us: round(quantile(sorted, 1)),
    latency_n: n,
    build_ms: round(build_ms) ?? 0,
    heap_mb: round(heap_mb, 2) ?? 0,
  };
}
