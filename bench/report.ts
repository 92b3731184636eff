import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import type { SystemFigures } from './measure.js';
import type { BurstFigures, ColdStartFigures, RssFigures } from './process.js';
import { START_BANNER_TARGET_MS } from './start-up.js';

/** The systems, in the order they are measured and shown. */
export const SYSTEM_NAMES = ['engine', 'fuse-plain', 'minisearch', 'minisearch-strong'] as const;

/** The figures of every system on one knowledge base. */
export type SystemsFigures = Record<string, SystemFigures>;

/** One size of the knowledge base in the scaling run. */
export interface ScalingStep {
  factor: number;
  entries: number;
  /** Seed of the synthetic entries (none at 1x). */
  seed: number | null;
  systems: SystemsFigures;
}

/** One target of issue 5, with what was measured. */
export interface TargetCheck {
  target: string;
  measured: string;
  /** null when the run did not measure it (e.g. --quick has no 100x). */
  met: boolean | null;
}

/** Where the figures were measured. */
export interface Machine {
  nproc: number;
  cpu: string;
  node: string;
  platform: string;
  /** 1, 5 and 15 minute load averages when the run began: other work on the machine skews timings. */
  load_avg: number[];
}

/** What `npm run bench -- --json` prints. */
export interface BenchReport {
  mode: 'full' | 'quick';
  machine: Machine;
  /** Cases in the dev set (scored, thresholds chosen on it) and in the sealed test set (aggregates only). */
  eval: { dev: number; test: number };
  systems: SystemsFigures;
  scaling: ScalingStep[];
  cold_start: ColdStartFigures | null;
  /** The burst through the shipped bot process. */
  burst: BurstFigures | null;
  /** The bot's RSS after the questions (own process, limits lifted), with its opening burst. */
  bot_rss: RssFigures | null;
  targets: TargetCheck[];
  duration_s: number;
}

/** nproc, the CPU model from /proc/cpuinfo (os.cpus() elsewhere), the Node version and the load now. */
export function describeMachine(): Machine {
  let cpu = cpus()[0]?.model ?? 'unknown';
  try {
    cpu = /^model name\s*:\s*(.+)$/m.exec(readFileSync('/proc/cpuinfo', 'utf8'))?.[1]?.trim() ?? cpu;
  } catch {
    // Not Linux: os.cpus() it is.
  }
  return {
    nproc: cpus().length,
    cpu,
    node: process.version,
    platform: `${process.platform}-${process.arch}`,
    load_avg: loadavg().map((x) => Number(x.toFixed(2))),
  };
}

const pct = (x: number | null | undefined) =>
  x === null || x === undefined ? '-' : `${(x * 100).toFixed(1)}%`;
const num = (x: number | null | undefined, digits = 0) =>
  x === null || x === undefined ? '-' : x.toFixed(digits);

/** Telegram's overall limit on a bot's messages (about 30 a second). */
const TELEGRAM_MESSAGES_PER_SECOND = 30;

/** The targets of issue 5 against the figures. */
export function checkTargets(
  systems: SystemsFigures,
  scaling: readonly ScalingStep[],
  cold: ColdStartFigures | null,
  burst: BurstFigures | null,
  rss: RssFigures | null,
): TargetCheck[] {
  const engine = systems.engine;
  const fuse = systems['fuse-plain'];
  const mini = systems.minisearch;
  const strong = systems['minisearch-strong'];
  const checks: TargetCheck[] = [];
  const above = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined ? null : a > b;
  const noHigher = (a: number | null | undefined, b: number | null | undefined) =>
    a === null || a === undefined || b === null || b === undefined ? null : a <= b;

  checks.push({
    target: 'engine accuracy higher than fuse-plain and minisearch (shipped KB)',
    measured: `${pct(engine?.accuracy)} vs ${pct(fuse?.accuracy)} and ${pct(mini?.accuracy)}`,
    met:
      above(engine?.accuracy, fuse?.accuracy) === null || above(engine?.accuracy, mini?.accuracy) === null
        ? null
        : Boolean(above(engine?.accuracy, fuse?.accuracy) && above(engine?.accuracy, mini?.accuracy)),
  });
  const beatsStrong = [
    above(engine?.accuracy, strong?.accuracy),
    above(engine?.oos_rejection, strong?.oos_rejection),
    noHigher(engine?.p99_us, strong?.p99_us),
  ];
  checks.push({
    target:
      'engine beats minisearch-strong on accuracy and out-of-scope rejection (dev), p99 no higher (shipped KB, same run)',
    measured: `accuracy ${pct(engine?.accuracy)} vs ${pct(strong?.accuracy)}, rejection ${pct(engine?.oos_rejection)} vs ${pct(strong?.oos_rejection)}, p99 ${num(engine?.p99_us)} us vs ${num(strong?.p99_us)} us`,
    met: beatsStrong.includes(null) ? null : beatsStrong.every(Boolean),
  });
  checks.push({
    target: 'engine p99 no worse than fuse-plain p99 (shipped KB)',
    measured: `${num(engine?.p99_us)} us vs ${num(fuse?.p99_us)} us`,
    met: engine?.p99_us == null || fuse?.p99_us == null ? null : engine.p99_us <= fuse.p99_us,
  });
  const at100 = scaling.find((s) => s.factor === 100)?.systems.engine;
  const ratio = at100?.p99_us != null && engine?.p99_us ? at100.p99_us / engine.p99_us : null;
  checks.push({
    target: 'engine p99 at 100x under 5x its 1x figure',
    measured:
      ratio === null
        ? 'not measured'
        : `${num(at100?.p99_us)} us / ${num(engine?.p99_us)} us = ${ratio.toFixed(2)}x`,
    met: ratio === null ? null : ratio < 5,
  });
  checks.push({
    target: 'cold start of ask within 10x of node -e 0',
    measured: cold ? `${cold.ask_ms} ms / ${cold.node_ms} ms = ${cold.ratio}x` : 'not measured',
    met: cold ? cold.ratio <= 10 : null,
  });
  checks.push({
    target: `terminal banner within ${START_BANNER_TARGET_MS} ms of npm start`,
    measured: cold?.start_banner_ms == null ? 'not measured' : `${cold.start_banner_ms} ms`,
    met: cold?.start_banner_ms == null ? null : cold.start_banner_ms <= START_BANNER_TARGET_MS,
  });
  checks.push({
    target: 'bot RSS under 150 MB after 10 000 questions',
    measured: rss
      ? `${num(rss.rss_mb, 1)} MB after ${rss.questions} questions (peak ${num(rss.peak_rss_mb, 1)} MB)`
      : 'not measured',
    met: rss?.rss_mb == null || rss.questions < 10_000 ? null : rss.rss_mb < 150,
  });
  const exactlyOne = (b: BurstFigures) =>
    `${b.replies} replies to ${b.messages} messages (${b.expected_replies} expected), ${b.lost} lost, ${b.duplicated} duplicated, ${b.wrong_answer} wrong`;
  checks.push({
    target: 'burst, shipped bot: every message gets exactly one answer',
    measured: burst ? exactlyOne(burst) : 'not measured',
    met: burst ? burst.replies === burst.messages && burst.lost === 0 && burst.duplicated === 0 : null,
  });
  // Telegram lets a bot send about 30 messages a second in all: the floor of any burst's drain time.
  const floorMs = burst ? (burst.expected_replies / TELEGRAM_MESSAGES_PER_SECOND) * 1000 : 0;
  checks.push({
    target: 'burst, shipped bot: drained within 1.2x of Telegram’s own limit (30 messages a second)',
    measured: burst
      ? `${(burst.drain_ms / 1000).toFixed(1)} s for ${burst.expected_replies} replies (floor ${(floorMs / 1000).toFixed(1)} s)`
      : 'not measured',
    met: burst ? burst.drain_ms <= floorMs * 1.2 : null,
  });
  checks.push({
    target: 'burst, shipped bot: no reply lost or duplicated within what flood control allows',
    measured: burst ? `${burst.lost} lost, ${burst.duplicated} duplicated` : 'not measured',
    met: burst ? burst.lost === 0 && burst.duplicated === 0 : null,
  });
  checks.push({
    target: 'burst, limits lifted: every message gets exactly one answer',
    measured: rss ? exactlyOne(rss.burst) : 'not measured',
    met: rss
      ? rss.burst.replies === rss.burst.messages && rss.burst.lost === 0 && rss.burst.duplicated === 0
      : null,
  });
  return checks;
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  return [line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

const COST_HEADER = ['p50_us', 'p99_us', 'max_us', 'build_ms', 'heap_mb', 'timed'];

function costCells(f: SystemFigures): string[] {
  return [
    num(f.p50_us),
    num(f.p99_us),
    num(f.max_us),
    num(f.build_ms),
    num(f.heap_mb, 1),
    String(f.latency_n),
  ];
}

/** Dev accuracy (with the sample size when the system ran out of time) and rejection. */
const devCells = (f: SystemFigures) => [
  pct(f.accuracy) + (f.eval_n < f.eval_total ? ` (n=${f.eval_n})` : ''),
  pct(f.oos_rejection),
];

/** The human-readable report: the systems, the scaling, the whole-process figures and the targets. */
export function formatReport(report: BenchReport): string {
  const out: string[] = [];
  const { machine } = report;
  out.push(
    `Machine: ${machine.nproc} x ${machine.cpu}, Node ${machine.node} (${machine.platform}), load average ${machine.load_avg.join(' ')} at start; ${report.mode} run, ${report.duration_s.toFixed(0)} s`,
    '',
    `Systems on the shipped knowledge base (${report.systems.engine?.entries ?? '?'} entries): in-scope accuracy and out-of-scope rejection`,
    `on the dev set (${report.eval.dev} questions, baseline thresholds chosen on it) and the sealed test set (${report.eval.test} questions, at the dev thresholds, aggregates only)`,
    table(
      ['system', 'dev acc', 'dev oos_rej', 'test acc', 'test oos_rej', ...COST_HEADER, 'threshold'],
      Object.entries(report.systems).map(([name, f]) => [
        name,
        ...devCells(f),
        pct(f.test?.accuracy),
        pct(f.test?.oos_rejection),
        ...costCells(f),
        f.threshold === null ? '(own)' : String(f.threshold),
      ]),
    ),
    '',
    'Scaling (the dev set; synthetic zh/ru/en entries added; baseline thresholds re-chosen per size)',
    table(
      ['factor', 'entries', 'system', 'dev acc', 'dev oos_rej', ...COST_HEADER],
      report.scaling.flatMap((step) =>
        Object.entries(step.systems).map(([name, f]) => [
          `${step.factor}x`,
          String(step.entries),
          name,
          ...devCells(f),
          ...costCells(f),
        ]),
      ),
    ),
  );
  if (report.cold_start) {
    const c = report.cold_start;
    out.push(
      '',
      `Cold start (median of ${c.runs}): node dist/bin/ask.js "<question>" ${c.ask_ms} ms, node -e 0 ${c.node_ms} ms: ${c.ratio}x`,
    );
    if (c.start_banner_ms != null)
      out.push(`npm start (no token, piped stdin) to the terminal banner: ${c.start_banner_ms} ms`);
  }
  const burstLine = (label: string, b: BurstFigures) =>
    `${label}: ${b.users} users, ${b.messages} messages at once: ${b.replies} replies (${b.expected_replies} expected), ${b.lost} lost, ${b.duplicated} duplicated, ${b.wrong_answer} wrong; drained in ${(b.drain_ms / 1000).toFixed(1)} s; peak RSS ${num(b.peak_rss_mb, 1)} MB`;
  const wrongLine = (b: BurstFigures) =>
    b.wrong_examples.length > 0
      ? [`    missing answers to e.g. ${b.wrong_examples.map((q) => JSON.stringify(q)).join(', ')}`]
      : [];
  if (report.burst) {
    out.push(
      `Burst, ${report.burst.how}:`,
      `  ${burstLine('burst', report.burst)}`,
      ...wrongLine(report.burst),
    );
  }
  if (report.bot_rss) {
    const r = report.bot_rss;
    out.push(
      `RSS, ${r.how}:`,
      `  ${burstLine('opening burst', r.burst)}`,
      ...wrongLine(r.burst),
      `  after ${r.questions} questions (${r.replies} replies, ${(r.duration_ms / 1000).toFixed(0)} s): RSS ${num(r.rss_mb, 1)} MB, peak ${num(r.peak_rss_mb, 1)} MB; RSS over the run: ${r.rss_series_mb.map((x) => num(x, 0)).join(' ')} MB`,
    );
  }
  out.push('', 'Targets:');
  for (const t of report.targets) {
    const mark = t.met === null ? '[ -- ]' : t.met ? '[ met]' : '[MISS]';
    out.push(`  ${mark} ${t.target}: ${t.measured}`);
  }
  return out.join('\n');
}
