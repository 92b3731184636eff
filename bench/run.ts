/**
 * `npm run bench`: the engine next to plain Fuse.js, plain MiniSearch and a strong MiniSearch baseline on
 * the same knowledge base, scored on the dev set (knowledge/eval/dev) and, in aggregate only, on the
 * sealed test set (knowledge/eval/test); the cost as the knowledge base grows; and whole-process figures
 * (cold start, `npm start` to the terminal banner, bot RSS, a burst through the Bot API emulator). `--json` prints one JSON object, `--quick`
 * a fast smoke run, `--no-process` skips the whole-process part, `--bot-node-args="--max-old-space-size=72"`
 * passes Node options to the bot processes.
 */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { loadEvalSets } from '../src/cli/eval.js';
import { createEngine } from '../src/engine/engine.js';
import { loadKnowledge } from '../src/knowledge/load.js';
import { normalizeText } from '../src/language/normalize.js';
import { toSimplifiedChinese } from './baselines/minisearch-strong.js';
import { DEFAULT_MEASURE_OPTIONS, QUICK_MEASURE_OPTIONS } from './measure.js';
import {
  DEFAULT_PROCESS_OPTIONS,
  measureBurst,
  measureColdStart,
  measureRss,
  QUICK_PROCESS_OPTIONS,
} from './process.js';
import { type BenchReport, checkTargets, describeMachine, formatReport } from './report.js';
import { measureStartBanner } from './start-up.js';
import { runSuite } from './suite.js';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean', default: false },
    quick: { type: 'boolean', default: false },
    'no-process': { type: 'boolean', default: false },
    'bot-node-args': { type: 'string', default: '' },
  },
});
const log = (line: string) => process.stderr.write(`bench: ${line}\n`);
const began = performance.now();
// Before any work: the load average then says how busy the machine was with other things.
const machine = describeMachine();

const kb = loadKnowledge();
// The tuning set is not scored here: the engine was tuned on it case by case for years.
const { dev: cases, test } = loadEvalSets();
// The Traditional->Simplified converters (the engine's and minisearch-strong's) are built on first use
// and shared by every index in the process; build them now so no system's heap figure includes one.
normalizeText('論壇');
toSimplifiedChinese('論壇');

const { systems, scaling } = runSuite({
  kb,
  cases,
  test,
  measure: values.quick ? QUICK_MEASURE_OPTIONS : DEFAULT_MEASURE_OPTIONS,
  factors: values.quick ? [10] : [10, 100],
  log,
});

// The bot runs with the Node options `npm start` gives it, unless --bot-node-args says otherwise.
const startScript = (JSON.parse(readFileSync('package.json', 'utf8')) as { scripts: { start: string } })
  .scripts.start;
// Not the freshness check of dist/ (--import=./scripts/ensure-build.mjs): the bench has built already.
const shippedNodeArgs = startScript
  .split(/\s+/)
  .filter((arg) => arg.startsWith('--') && !arg.startsWith('--import'));
const processOptions = {
  ...(values.quick ? QUICK_PROCESS_OPTIONS : DEFAULT_PROCESS_OPTIONS),
  botNodeArgs: values['bot-node-args'] ? values['bot-node-args'].split(' ').filter(Boolean) : shippedNodeArgs,
};
let cold: BenchReport['cold_start'] = null;
let burst: BenchReport['burst'] = null;
let rss: BenchReport['bot_rss'] = null;
if (!values['no-process']) {
  const engine = createEngine(kb);
  const questions = cases.map((c) => c.text);
  log('cold start');
  cold = measureColdStart(processOptions);
  log('npm start to the terminal banner');
  cold.start_banner_ms = (await measureStartBanner(processOptions.coldRuns)).banner_ms;
  log(`burst: ${processOptions.burstMessages} messages from ${processOptions.burstUsers} users, shipped bot`);
  burst = await measureBurst(engine, questions, processOptions);
  log(`RSS: ${processOptions.rssQuestions} questions, limits lifted`);
  rss = await measureRss(engine, questions, processOptions, log);
}

const report: BenchReport = {
  mode: values.quick ? 'quick' : 'full',
  machine,
  eval: { dev: cases.length, test: test.length },
  systems,
  scaling,
  cold_start: cold,
  burst,
  bot_rss: rss,
  targets: checkTargets(systems, scaling, cold, burst, rss),
  duration_s: Number(((performance.now() - began) / 1000).toFixed(1)),
};
process.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : `${formatReport(report)}\n`);
