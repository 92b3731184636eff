import { appendFileSync } from 'node:fs';
import fc from 'fast-check';

/**
 * `npm run soak` sets SOAK=1: many more fast-check runs and a fresh seed each time. `npm test` keeps the
 * runs modest and the seed fixed, so it is fast and deterministic (FC_SEED overrides the seed to replay
 * a soak failure).
 */
export const SOAK = process.env.SOAK === '1';
const SEED = process.env.FC_SEED ? Number(process.env.FC_SEED) : SOAK ? Date.now() : 20250814;

/** Time a property test may take: the soak's runs take minutes. */
export const PROPERTY_TIMEOUT_MS = SOAK ? 1_800_000 : 60_000;

/** fast-check runs of a property: `runs` in `npm test`, 50 times more under `npm run soak`. */
export const runs = (base: number) => (SOAK ? base * 50 : base);

/**
 * Appends one line of figures (runs, faults, timings) to the file named by RELIABILITY_FIGURES, if set; the
 * numbers the reliability report quotes come from there.
 */
export function recordFigures(name: string, figures: Record<string, unknown>): void {
  const file = process.env.RELIABILITY_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify({ name, ...figures })}\n`);
}

/** Runs a property with the suite's seed and run count, fails with fast-check's report, records the figures. */
export async function checkProperty<Ts extends [unknown, ...unknown[]]>(
  name: string,
  property: fc.IProperty<Ts> | fc.IAsyncProperty<Ts>,
  numRuns: number,
): Promise<void> {
  const started = performance.now();
  const details = await fc.check(property as fc.IAsyncProperty<Ts>, { numRuns: runs(numRuns), seed: SEED });
  if (details.failed) throw new Error(fc.defaultReportMessage(details) ?? `property "${name}" failed`);
  recordFigures(name, {
    kind: 'property',
    runs: details.numRuns,
    skipped: details.numSkips,
    seed: SEED,
    ms: Math.round(performance.now() - started),
  });
}
