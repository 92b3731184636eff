import { describe, expect, it } from 'vitest';
import { bestThreshold, DEFAULT_MEASURE_OPTIONS, type Outcome, score } from '../../bench/measure.js';
import { checkTargets, formatReport, SYSTEM_NAMES } from '../../bench/report.js';
import { runSuite } from '../../bench/suite.js';
import { growKnowledge, syntheticEntries } from '../../bench/synthetic.js';
import { engineSystem } from '../../bench/systems.js';
import { answeredIds, judge, loadEvalSets } from '../../src/cli/eval.js';
import { createEngine } from '../../src/engine/engine.js';
import { type KnowledgeBase, loadKnowledge } from '../../src/knowledge/load.js';
import { entrySchema } from '../../src/knowledge/schema.js';

const shipped = loadKnowledge();
// The dev set only: the sealed test set is never read case by case, not even by a test.
const cases = loadEvalSets().dev;

/** Four real entries, and the dev cases about them plus some out-of-scope ones. */
function tinyKnowledge(): { kb: KnowledgeBase; tinyCases: typeof cases } {
  const entries = shipped.entries.filter((e) => e.kind === 'fact').slice(0, 4);
  const ids = new Set(entries.map((e) => e.id));
  const kb = {
    entries,
    byId: new Map(entries.map((e) => [e.id, e])),
    topics: [],
    lexicon: shipped.lexicon,
    forum: shipped.forum,
  };
  const inScope = cases.filter((c) => c.expect?.every((id) => ids.has(id))).slice(0, 12);
  const outOfScope = cases.filter((c) => c.expect === null).slice(0, 6);
  return { kb, tinyCases: [...inScope, ...outOfScope] };
}

const TINY = {
  ...DEFAULT_MEASURE_OPTIONS,
  latencyQuestions: 30,
  // Far more than 30 questions take even on a loaded machine: the test checks the fields, not the speed.
  latencyBudgetMs: 60_000,
  warmupQuestions: 5,
  evalBudgetMs: 60_000,
  minEvalCases: 1,
  minLatencyForP99: 1,
};

describe('npm run bench, on a tiny knowledge base', () => {
  const { kb, tinyCases } = tinyKnowledge();
  // The same cases stand in for the test set: scored at the thresholds chosen on dev, they must give the
  // dev figures again.
  const { systems, scaling } = runSuite({
    kb,
    cases: tinyCases,
    test: tinyCases,
    measure: TINY,
    factors: [3],
  });

  it('measures every system with the fields the JSON report promises', () => {
    expect(Object.keys(systems)).toEqual([...SYSTEM_NAMES]);
    for (const figures of Object.values(systems)) {
      expect(figures).toMatchObject({
        entries: 4,
        eval_n: tinyCases.length,
        eval_total: tinyCases.length,
        latency_n: 30,
      });
      for (const field of ['accuracy', 'oos_rejection'] as const) {
        expect(figures[field]).toBeGreaterThanOrEqual(0);
        expect(figures[field]).toBeLessThanOrEqual(1);
      }
      for (const field of ['p50_us', 'p99_us', 'max_us', 'build_ms', 'heap_mb'] as const) {
        expect(typeof figures[field]).toBe('number');
      }
      expect(figures.p50_us).toBeLessThanOrEqual(figures.p99_us as number);
      expect(figures.p99_us).toBeLessThanOrEqual(figures.max_us as number);
      expect(figures.test).toEqual({
        accuracy: figures.accuracy,
        oos_rejection: figures.oos_rejection,
        cases: tinyCases.length,
      });
    }
    // Baselines answer above a threshold chosen on the dev set; the engine decides by itself.
    expect(systems.engine?.threshold).toBeNull();
    for (const name of ['fuse-plain', 'minisearch', 'minisearch-strong'])
      expect(systems[name]?.threshold).toEqual(expect.any(Number));
  });

  it('grows the knowledge base for the scaling run and measures it the same way', () => {
    expect(scaling.map((s) => [s.factor, s.entries])).toEqual([
      [1, 4],
      [3, 12],
    ]);
    expect(scaling[0]?.systems).toBe(systems);
    expect(Object.keys(scaling[1]?.systems ?? {})).toEqual([...SYSTEM_NAMES]);
    // The test set is scored on the shipped knowledge base only.
    for (const figures of Object.values(scaling[1]?.systems ?? {})) expect(figures.test).toBeNull();
  });

  it('prints a table naming every system, and targets it could not measure as unmeasured', () => {
    const targets = checkTargets(systems, scaling, null, null, null);
    const text = formatReport({
      mode: 'quick',
      machine: { nproc: 1, cpu: 'test', node: process.version, platform: 'test', load_avg: [0, 0, 0] },
      eval: { dev: tinyCases.length, test: tinyCases.length },
      systems,
      scaling,
      cold_start: null,
      burst: null,
      bot_rss: null,
      targets,
      duration_s: 0,
    });
    for (const name of SYSTEM_NAMES) expect(text).toContain(name);
    expect(text).toContain('test acc');
    expect(targets.find((t) => t.target.startsWith('engine beats minisearch-strong'))?.met).toEqual(
      expect.any(Boolean),
    );
    expect(targets.find((t) => t.target.startsWith('cold start'))?.met).toBeNull();
    expect(targets.find((t) => t.target.startsWith('engine p99 at 100x'))?.met).toBeNull();
  });
});

describe('the bench scores like npm run eval', () => {
  it('counts an engine reply right when npm run eval does, judging the first entry only, not the language', () => {
    const engine = createEngine(shipped);
    const searcher = engineSystem.build(shipped);
    for (const c of cases) {
      const result = engine.ask(c.text, c.lang ? { lang: c.lang } : {});
      const s = score(
        [{ expect: c.expect, reply: c.reply, hit: searcher.top(c.text, c.lang) }],
        'decided',
        0,
      );
      const right = c.expect === null ? s.oos_rejection === 1 : s.accuracy === 1;
      // A baseline answers or not: a "did you mean" reply counts as not answering here.
      const lenient =
        c.expect === null ? result.kind !== 'answer' : c.expect.includes(answeredIds(result)[0] ?? '');
      expect(right, c.text).toBe(lenient);
      if (judge(c, result)) expect(right, c.text).toBe(true);
    }
  });

  it('counts a hit right when its entry is any of the expected ones', () => {
    const outcomes: Outcome[] = [
      { expect: ['a', 'b'], reply: 'en', hit: { id: 'b', score: 1 } },
      { expect: ['a'], reply: 'zh', hit: { id: 'b', score: 1 } },
      { expect: ['a'], reply: 'zh', hit: null },
    ];
    expect(score(outcomes, 'decided', 0)).toMatchObject({ accuracy: 1 / 3, byLang: { en: 1, zh: 0 } });
  });

  it('chooses the threshold that answers the right hits and rejects the out-of-scope ones', () => {
    const outcomes: Outcome[] = [
      { expect: ['a'], reply: 'en', hit: { id: 'a', score: 0.1 } },
      { expect: ['b'], reply: 'en', hit: { id: 'b', score: 0.2 } },
      { expect: null, reply: 'en', hit: { id: 'a', score: 0.5 } },
      { expect: ['c'], reply: 'en', hit: { id: 'a', score: 0.6 } },
    ];
    expect(bestThreshold(outcomes, 'lower')).toBe(0.2);
    expect(score(outcomes, 'lower', 0.2)).toMatchObject({ accuracy: 2 / 3, oos_rejection: 1 });
    const flipped = outcomes.map((o) => ({ ...o, hit: o.hit && { ...o.hit, score: 1 - o.hit.score } }));
    expect(bestThreshold(flipped, 'higher')).toBe(0.8);
  });
});

describe('synthetic entries', () => {
  it('are valid entries in all three scripts, the same for the same seed', () => {
    const entries = syntheticEntries(20, 7);
    expect(syntheticEntries(20, 7)).toEqual(entries);
    expect(syntheticEntries(20, 8)).not.toEqual(entries);
    for (const entry of entries) expect(entrySchema.parse(entry)).toEqual(entry);
    const text = entries.map((e) => JSON.stringify(e.i18n)).join(' ');
    expect(text).toMatch(/\p{Script=Han}/u);
    expect(text).toMatch(/\p{Script=Cyrillic}/u);
    expect(text).toMatch(/[a-z]{4}/);
  });

  it('grow the knowledge base by a factor, keeping the real entries first', () => {
    const grown = growKnowledge(shipped, 10);
    expect(grown.entries).toHaveLength(shipped.entries.length * 10);
    expect(grown.entries.slice(0, shipped.entries.length)).toEqual(shipped.entries);
    expect(grown.byId.size).toBe(grown.entries.length);
  });
});
