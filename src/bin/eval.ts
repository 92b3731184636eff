import { parseArgs } from 'node:util';
import {
  EVAL_SETS,
  evaluate,
  failures,
  formatReport,
  GATED_SETS,
  loadEvalSets,
  SEALED_SETS,
} from '../cli/eval.js';
import { createEngine } from '../engine/engine.js';
import { createI18n, translator } from '../i18n.js';
import { loadKnowledge } from '../knowledge/load.js';
import { buildReply, renderText } from '../render/reply.js';

const { values } = parseArgs({ options: { json: { type: 'boolean', default: false } } });
const kb = loadKnowledge();
const engine = createEngine(kb);
const i18n = createI18n();
const replyText = (result: Parameters<typeof buildReply>[0]) =>
  renderText(buildReply(result, engine, translator(i18n, result.lang)));
const sets = loadEvalSets();
const reports = Object.fromEntries(
  EVAL_SETS.map((name) => [
    name,
    evaluate(engine, sets[name], { keepMisses: !SEALED_SETS.includes(name), replyText }),
  ]),
);
const failed = GATED_SETS.flatMap((name) => failures(name, reports[name] as (typeof reports)[string]));
if (values.json) {
  process.stdout.write(`${JSON.stringify({ ...reports, failures: failed, pass: failed.length === 0 })}\n`);
} else {
  for (const name of EVAL_SETS) {
    process.stdout.write(`${formatReport(name, reports[name] as (typeof reports)[string])}\n\n`);
  }
  process.stdout.write(failed.length === 0 ? 'PASS: every target met.\n' : `FAIL: ${failed.join('; ')}\n`);
}
process.exitCode = failed.length === 0 ? 0 : 1;
