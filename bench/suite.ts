import type { EvalCase } from '../src/cli/eval.js';
import type { KnowledgeBase } from '../src/knowledge/load.js';
import { fusePlainSystem } from './baselines/fuse-plain.js';
import { miniSearchSystem } from './baselines/minisearch.js';
import { miniSearchStrongSystem } from './baselines/minisearch-strong.js';
import { gc, type MeasureOptions, measureSystem } from './measure.js';
import type { ScalingStep, SystemsFigures } from './report.js';
import { DEFAULT_SEED, growKnowledge } from './synthetic.js';
import { engineSystem, type SystemUnderTest } from './systems.js';

/** Every system under test, in the order they are measured. */
export const SYSTEMS: readonly SystemUnderTest[] = [
  engineSystem,
  fusePlainSystem,
  miniSearchSystem,
  miniSearchStrongSystem,
];

/** What the systems part of the bench needs. */
export interface SuiteInput {
  kb: KnowledgeBase;
  /** The dev set: accuracy, rejection and baseline thresholds, at every size; the timed questions. */
  cases: readonly EvalCase[];
  /** The sealed test set, scored at 1x only at the thresholds chosen on dev (aggregates only). */
  test: readonly EvalCase[] | null;
  measure: MeasureOptions;
  /** Sizes of the grown knowledge base, as multiples of the shipped one (1 is always measured). */
  factors: readonly number[];
  seed?: number;
  systems?: readonly SystemUnderTest[];
  log?: (line: string) => void;
}

/** Measures every system at 1x, then on the knowledge base grown by each factor. */
export function runSuite(input: SuiteInput): { systems: SystemsFigures; scaling: ScalingStep[] } {
  const { kb, cases, test, measure, factors, seed = DEFAULT_SEED, log = () => {} } = input;
  const systems = input.systems ?? SYSTEMS;
  const measureAll = (base: KnowledgeBase, withTest: boolean): SystemsFigures => {
    const out: SystemsFigures = {};
    for (const system of systems) {
      log(`${system.name}: ${base.entries.length} entries`);
      out[system.name] = measureSystem(system, base, cases, withTest ? test : null, measure);
      gc();
    }
    return out;
  };

  const atOne = measureAll(kb, true);
  const scaling: ScalingStep[] = [{ factor: 1, entries: kb.entries.length, seed: null, systems: atOne }];
  for (const factor of factors.filter((f) => f > 1)) {
    const grown = growKnowledge(kb, factor, seed);
    scaling.push({ factor, entries: grown.entries.length, seed, systems: measureAll(grown, false) });
  }
  return { systems: atOne, scaling };
}
