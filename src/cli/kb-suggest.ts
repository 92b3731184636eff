import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { writeAlternates } from '../curate/accept.js';
import { groupAlternates, type SuggestionGroup, suggestGroups } from '../curate/suggest.js';
import { createEngine } from '../engine/engine.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../knowledge/load.js';
import { withAlternates } from '../knowledge/pending.js';
import { createLogger } from '../logger.js';
import { DEFAULT_DATABASE_FILE } from '../store/sqlite.js';
import { openStore, type Store } from '../store/store.js';
import { fail, parseCliArgs } from './args.js';
import type { CliIO } from './context.js';
import { type StoreEnv, storeLocation, storeName } from './store-location.js';

const USAGE = `usage: kb:suggest [--data-dir <dir>] [--knowledge <dir>] [--json] [--all]
       kb:suggest --accept <group> [--entry <id>]   write the group's questions into the entry's file
       kb:suggest --reject <group>                  never propose the group again
       kb:suggest --export                          write the alternates accepted in /review into knowledge/
(the store: Redis at $STORE_URL, else $DATA_DIR, else ./data)`;

/** What the bin passes in from the environment (the CLI itself never reads process.env). */
export type SuggestEnv = StoreEnv;

/** What kb:suggest lists, as `--json` prints it. */
export interface SuggestReport {
  /** The store read (a file, or the Redis URL without its password). */
  database: string;
  /** How many questions were recorded in all. */
  questions: number;
  groups: SuggestionGroup[];
}

const SOURCE = { press: 'users chose it', rephrase: 'users rephrased and got it', engine: "engine's best" };

/** The human-readable list: one block per group with its counts, proposal and examples. */
export function formatSuggestReport(report: SuggestReport): string {
  if (report.groups.length === 0)
    return `No suggestions: ${report.questions} questions recorded, none left to review.`;
  const out = [
    `Suggestions from ${report.questions} recorded questions: ${report.groups.length} groups, most asked first`,
  ];
  for (const g of report.groups) {
    const outcomes = Object.entries(g.outcomes)
      .map(([kind, n]) => `${kind} ${n}`)
      .join(', ');
    const presses = Object.entries(g.presses)
      .map(([id, n]) => `${id} ×${n}`)
      .join(', ');
    const { proposal } = g;
    const proposed =
      proposal.kind === 'entry'
        ? `${proposal.entryId} (${SOURCE[proposal.source]}${proposal.score === null ? '' : `, score ${proposal.score}`})`
        : proposal.kind === 'new-entry'
          ? 'new entry needed'
          : 'out of scope';
    out.push(
      '',
      `[${g.id}] asked ${g.count}× (${outcomes})${presses ? `; chosen by users: ${presses}` : ''}${g.repeats ? `; asked again ${g.repeats}×` : ''}${g.decision ? `; ${g.decision.decision}${g.decision.entryId ? ` into ${g.decision.entryId}` : ''}` : ''}`,
      `  proposal: ${proposed}`,
      ...g.examples.map((e) => `  ${e.lang}  ${JSON.stringify(e.text)}${e.count > 1 ? ` ×${e.count}` : ''}`),
    );
    if (!g.decision)
      out.push(
        proposal.kind === 'entry'
          ? `  accept: npm run kb:suggest -- --accept ${g.id}   (or --entry <id>; reject: --reject ${g.id})`
          : `  accept: npm run kb:suggest -- --accept ${g.id} --entry <id>   (reject: --reject ${g.id})`,
      );
  }
  return out.join('\n');
}

/** The groups over the recorded signals, with the engine the bot answers with (knowledge/ + pending). */
async function readGroups(store: Store, knowledgeDir: string, all: boolean) {
  const kb = withAlternates(loadKnowledge(knowledgeDir), await store.pendingAlternates());
  const signals = await store.signals();
  const groups = suggestGroups(signals, createEngine(kb), await store.decisions(), {
    includeDecided: all,
  });
  return { groups, questions: signals.filter((s) => s.type === 'question').length };
}

/**
 * `npm run kb:suggest`: lists the suggestion groups from recorded traffic, or accepts one into an entry's
 * file (--accept, validated and collision-checked), rejects one (--reject), or writes the alternates
 * accepted in /review into knowledge/ (--export).
 */
export async function runKbSuggest(
  argv: string[],
  env: SuggestEnv = {},
  io: CliIO = process,
): Promise<number> {
  const parsed = parseCliArgs(
    {
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        knowledge: { type: 'string' },
        json: { type: 'boolean' },
        all: { type: 'boolean' },
        accept: { type: 'string' },
        entry: { type: 'string' },
        reject: { type: 'string' },
        export: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const json = Boolean(values.json);
  const knowledgeDir = values.knowledge ?? DEFAULT_KNOWLEDGE_DIR;
  const found = storeLocation(values['data-dir'], env);
  if ('error' in found) return fail(io, json, found.error, 1);
  const { location } = found;
  if (!location.storeUrl && !existsSync(join(location.dataDir, DEFAULT_DATABASE_FILE))) {
    io.stdout.write(`Nothing recorded yet: there is no database at ${storeName(location)}.\n`);
    return 0;
  }
  let store: Store;
  try {
    store = await openStore(location, createLogger({ level: 'silent' }));
  } catch (error) {
    return fail(
      io,
      json,
      `Cannot read ${storeName(location)}: ${error instanceof Error ? error.message : String(error)}`,
      1,
    );
  }
  try {
    if (values.export) {
      const pending = await store.pendingAlternates();
      if (pending.length === 0) {
        io.stdout.write('No accepted alternates waiting to be exported.\n');
        return 0;
      }
      const outcome = writeAlternates(pending, knowledgeDir);
      if (!outcome.ok) return fail(io, json, `Nothing written: ${outcome.error}`, 1);
      await store.removePendingAlternates(pending);
      for (const a of outcome.written)
        io.stdout.write(`+ ${a.entryId} ${a.lang}: ${JSON.stringify(a.question)}\n`);
      io.stdout.write(
        `Exported ${outcome.written.length} alternate question(s) into ${outcome.files.length} file(s)` +
          `${outcome.present.length ? ` (${outcome.present.length} already there)` : ''}; review with git diff and commit.\n`,
      );
      return 0;
    }
    const target = values.accept ?? values.reject;
    if (target !== undefined) {
      const { groups } = await readGroups(store, knowledgeDir, true);
      const group = groups.find((g) => g.id === target.trim());
      if (!group)
        return fail(io, json, `No suggestion group "${target}" (see npm run kb:suggest -- --all).`, 1);
      if (values.reject !== undefined) {
        await store.decide({ group: group.id, decision: 'rejected', at: Date.now() });
        io.stdout.write(`Rejected group ${group.id}: it will not be proposed again.\n`);
        return 0;
      }
      const entryId = values.entry ?? (group.proposal.kind === 'entry' ? group.proposal.entryId : undefined);
      if (!entryId)
        return fail(io, json, `Group ${group.id} has no proposed entry: name one with --entry <id>.`, 1);
      const outcome = writeAlternates(groupAlternates(group, entryId, Date.now()), knowledgeDir);
      if (!outcome.ok) return fail(io, json, `Not accepted: ${outcome.error}`, 1);
      await store.decide({ group: group.id, decision: 'accepted', entryId, at: Date.now() });
      for (const a of outcome.written)
        io.stdout.write(`+ ${a.entryId} ${a.lang}: ${JSON.stringify(a.question)}\n`);
      io.stdout.write(
        `Accepted group ${group.id} into ${entryId}: ${outcome.written.length} question(s) written` +
          `${outcome.present.length ? `, ${outcome.present.length} already there` : ''}.\n`,
      );
      return 0;
    }
    const { groups, questions } = await readGroups(store, knowledgeDir, values.all === true);
    const report: SuggestReport = { database: storeName(location), questions, groups };
    io.stdout.write(`${values.json ? JSON.stringify(report) : formatSuggestReport(report)}\n`);
    return 0;
  } catch (error) {
    return fail(io, json, error instanceof Error ? error.message : String(error), 1);
  } finally {
    await store.close();
  }
}
