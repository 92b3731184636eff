import { join } from 'node:path';
import { fail, parseCliArgs, wantsJson } from '../cli/args.js';
import {
  CONVERSATION_SETS,
  conversationFailures,
  EVAL_SETS,
  type EvalReport,
  evaluate,
  evaluateConversations,
  failures,
  formatConversationReport,
  formatReport,
  GATED_SETS,
  loadConversations,
  loadEvalSets,
  SEALED_SETS,
} from '../cli/eval.js';
import { createEngine } from '../engine/engine.js';
import { RULES } from '../engine/options.js';
import { createI18n, translator } from '../i18n.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../knowledge/load.js';
import { buildReply, renderText } from '../render/reply.js';

// `npm run eval | head` closes the pipe early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code !== 'EPIPE') throw error;
  process.exit(0);
});

const argv = process.argv.slice(2);
const parsed = parseCliArgs(
  {
    args: argv,
    options: {
      json: { type: 'boolean', default: false },
      ablate: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h' },
    },
  },
  'usage: eval [--json] [--ablate]',
  process,
);
if (typeof parsed === 'number') process.exit(parsed);
const { values } = parsed;

/** The knowledge base and the evaluation sets, or exit 1 with what is wrong in them (JSON with --json). */
function load() {
  try {
    return { kb: loadKnowledge(), sets: loadEvalSets() };
  } catch (error) {
    // A knowledge file, or an evaluation line (its loader names the file and line): one line, no stack.
    const message = error instanceof Error ? error.message : String(error);
    process.exit(fail(process, wantsJson(argv), message, 1));
  }
}
const { kb, sets } = load();

/** Right cases of a report: in scope answered right plus out of scope handled. */
const tally = (r: EvalReport) => {
  let inScope = 0;
  let outOfScope = 0;
  for (const lang of Object.values(r.byLang)) {
    inScope += lang.inScope.right;
    outOfScope += lang.outOfScope.right;
  }
  return { inScope, outOfScope };
};

/** Turns right in a conversation report, over every language. */
const turnsRight = (r: ReturnType<typeof evaluateConversations>) =>
  Object.values(r.byLang).reduce((sum, lang) => sum + lang.turns.right, 0);

if (values.ablate) {
  // Each rule switched off in turn, on the development sets: what it buys is the drop without it.
  const devConversations = loadConversations(join(DEFAULT_KNOWLEDGE_DIR, 'eval', 'conversations', 'dev'));
  const measure = (engine: ReturnType<typeof createEngine>) => ({
    ...tally(evaluate(engine, sets.dev, { keepMisses: false })),
    turns: turnsRight(evaluateConversations(engine, devConversations, { keepMisses: false })),
  });
  const full = measure(createEngine(kb));
  const rows = RULES.map((rule) => {
    const lexicon = { ...kb.lexicon, ...rule.lexicon };
    const without = measure(createEngine({ ...kb, lexicon }, rule.options));
    return {
      rule: rule.name,
      what: rule.what,
      inScope: full.inScope - without.inScope,
      outOfScope: full.outOfScope - without.outOfScope,
      turns: full.turns - without.turns,
    };
  });
  if (values.json)
    process.stdout.write(
      `${JSON.stringify({ set: 'dev', cases: sets.dev.length, conversations: devConversations.length, full, rules: rows })}\n`,
    );
  else {
    process.stdout.write(
      `What each rule buys on dev (${sets.dev.length} cases, ${devConversations.length} conversations; ` +
        'cases and turns lost when it is switched off):\n' +
        `${'rule'.padEnd(18)}${'in scope'.padStart(9)}${'out of scope'.padStart(13)}${'turns'.padStart(7)}  what it does\n`,
    );
    const sign = (n: number) => (n > 0 ? `+${n}` : String(n));
    for (const r of rows)
      process.stdout.write(
        `${r.rule.padEnd(18)}${sign(r.inScope).padStart(9)}${sign(r.outOfScope).padStart(13)}${sign(r.turns).padStart(7)}  ${r.what}\n`,
      );
  }
} else {
  const engine = createEngine(kb);
  const i18n = createI18n(kb.forum);
  const replyText = (result: Parameters<typeof buildReply>[0]) =>
    renderText(buildReply(result, engine, translator(i18n, result.lang)));
  const reports = Object.fromEntries(
    EVAL_SETS.map((name) => [
      name,
      evaluate(engine, sets[name], { keepMisses: !SEALED_SETS.includes(name), replyText }),
    ]),
  ) as Record<(typeof EVAL_SETS)[number], EvalReport>;
  const conversations = Object.fromEntries(
    CONVERSATION_SETS.map((name) => [
      name,
      evaluateConversations(
        engine,
        loadConversations(join(DEFAULT_KNOWLEDGE_DIR, 'eval', 'conversations', name)),
        { keepMisses: !SEALED_SETS.includes(name) },
      ),
    ]),
  ) as Record<(typeof CONVERSATION_SETS)[number], ReturnType<typeof evaluateConversations>>;
  const failed = [
    ...GATED_SETS.flatMap((name) => failures(name, reports[name])),
    ...CONVERSATION_SETS.flatMap((name) => conversationFailures(name, conversations[name])),
  ];
  if (values.json) {
    process.stdout.write(
      `${JSON.stringify({ ...reports, conversations, failures: failed, pass: failed.length === 0 })}\n`,
    );
  } else {
    for (const name of EVAL_SETS) process.stdout.write(`${formatReport(name, reports[name])}\n\n`);
    for (const name of CONVERSATION_SETS) {
      const misses = !SEALED_SETS.includes(name);
      process.stdout.write(`${formatConversationReport(name, conversations[name], { misses })}\n\n`);
    }
    process.stdout.write(failed.length === 0 ? 'PASS: every target met.\n' : `FAIL: ${failed.join('; ')}\n`);
  }
  process.exitCode = failed.length === 0 ? 0 : 1;
}
