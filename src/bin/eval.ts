import { evaluate, formatReport, loadEvalSet } from '../cli/eval.js';
import { createEngine } from '../engine/engine.js';
import { loadKnowledge } from '../knowledge/load.js';

const json = process.argv.includes('--json');
const report = evaluate(createEngine(loadKnowledge()), loadEvalSet());
process.stdout.write(json ? `${JSON.stringify(report)}\n` : `${formatReport(report)}\n`);
process.exitCode = report.pass ? 0 : 1;
