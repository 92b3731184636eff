import { join } from 'node:path';
import type { Lang } from '../knowledge/schema.js';
import type { UnansweredQuestion, VoteTally } from '../store/feedback.js';
import { DEFAULT_DATABASE_FILE } from '../store/sqlite.js';
import { openFeedbackReader, type StoreLocation } from '../store/store.js';
import { fail, parseCliArgs } from './args.js';
import type { CliIO } from './context.js';
import { foldText } from './fold.js';
import { type StoreEnv, storeLocation, storeName } from './store-location.js';

/** Questions asked the same way (after folding case, script variants, punctuation and spacing). */
export interface UnansweredGroup {
  /** The most recent wording. */
  text: string;
  count: number;
  /** Detected languages, most frequent first; null when a question's language could not be told. */
  langs: Array<Lang | null>;
  /** The best score any of them reached, or null when none matched anything. */
  bestScore: number | null;
  /** When it was last asked, in milliseconds since the epoch. */
  lastAt: number;
}

/** Groups the log by folded text, most frequent first (then most recently asked). */
export function groupUnanswered(questions: readonly UnansweredQuestion[]): UnansweredGroup[] {
  const groups = new Map<string, UnansweredGroup & { langCounts: Map<Lang | null, number> }>();
  for (const q of questions) {
    const key = foldText(q.text);
    const group = groups.get(key) ?? {
      text: q.text,
      count: 0,
      langs: [],
      bestScore: null,
      lastAt: q.at,
      langCounts: new Map<Lang | null, number>(),
    };
    group.count += 1;
    group.langCounts.set(q.lang, (group.langCounts.get(q.lang) ?? 0) + 1);
    if (q.score !== null && (group.bestScore === null || q.score > group.bestScore))
      group.bestScore = q.score;
    if (q.at >= group.lastAt) {
      group.lastAt = q.at;
      group.text = q.text;
    }
    groups.set(key, group);
  }
  return [...groups.values()]
    .map(({ langCounts, ...group }) => ({
      ...group,
      langs: [...langCounts].sort((a, b) => b[1] - a[1]).map(([lang]) => lang),
    }))
    .sort((a, b) => b.count - a.count || b.lastAt - a.lastAt);
}

/** Entries with the most 👎 first (then the fewest 👍). */
export function sortVotes(votes: readonly VoteTally[]): VoteTally[] {
  return [...votes].sort((a, b) => b.down - a.down || a.up - b.up || a.entryId.localeCompare(b.entryId));
}

/** What kb:unanswered reports, as `--json` prints it. */
export interface UnansweredReport {
  /** The database read (a file, or the Redis URL without its password), or null when there is none yet. */
  database: string | null;
  unanswered: { total: number; groups: Array<Omit<UnansweredGroup, 'lastAt'> & { lastAt: string }> };
  votes: VoteTally[];
}

/** The human-readable report: the grouped questions, then the votes per entry. */
export function formatUnansweredReport(report: UnansweredReport): string {
  const { total, groups } = report.unanswered;
  const out: string[] = [];
  if (groups.length === 0) {
    out.push('No unanswered questions logged.');
  } else {
    out.push(
      `Unanswered questions: ${total} logged, ${groups.length} distinct, most frequent first`,
      '',
      `  ${'count'.padStart(5)}  ${'lang'.padEnd(8)} ${'best'.padStart(5)}  ${'last asked (UTC)'.padEnd(16)}  question`,
    );
    for (const g of groups) {
      const langs = g.langs.map((l) => l ?? '?').join('/');
      const best = g.bestScore === null ? '-' : g.bestScore.toFixed(3);
      const text = g.text.replace(/\s+/g, ' ');
      out.push(
        `  ${String(g.count).padStart(5)}  ${langs.padEnd(8)} ${best.padStart(5)}  ${g.lastAt.slice(0, 16).replace('T', ' ')}  ${text}`,
      );
    }
  }
  out.push('');
  if (report.votes.length === 0) {
    out.push('No votes yet.');
  } else {
    out.push('Votes per entry, most 👎 first:', '', `  ${'👎'.padStart(6)}  ${'👍'.padStart(6)}  entry`);
    for (const v of report.votes) {
      out.push(`  ${String(v.down).padStart(6)}  ${String(v.up).padStart(6)}  ${v.entryId}`);
    }
  }
  return out.join('\n');
}

/**
 * Reads the feedback without changing it, from Redis when `location.storeUrl` is set, else from the SQLite
 * database under `location.dataDir` (database null when there is none yet).
 */
export async function readUnansweredReport(location: StoreLocation): Promise<UnansweredReport> {
  const reader = await openFeedbackReader(location);
  if (!reader) return { database: null, unanswered: { total: 0, groups: [] }, votes: [] };
  try {
    const questions = await reader.unanswered();
    return {
      database: storeName(location),
      unanswered: {
        total: questions.length,
        groups: groupUnanswered(questions).map((g) => ({ ...g, lastAt: new Date(g.lastAt).toISOString() })),
      },
      votes: sortVotes(await reader.votes()),
    };
  } finally {
    await reader.close();
  }
}

const USAGE =
  'usage: kb:unanswered [--data-dir <dir>] [--json]   (default: Redis at $STORE_URL, else $DATA_DIR, else ./data)';

/** What the bin passes in from the environment (the CLI itself never reads process.env). */
export type UnansweredEnv = StoreEnv;

/** `npm run kb:unanswered`: prints what users asked that the bot could not answer, and the votes. */
export async function runKbUnanswered(
  argv: string[],
  env: UnansweredEnv = {},
  io: CliIO = process,
): Promise<number> {
  const parsed = parseCliArgs(
    {
      args: argv,
      options: {
        'data-dir': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    },
    USAGE,
    io,
  );
  if (typeof parsed === 'number') return parsed;
  const { values } = parsed;
  const json = Boolean(values.json);
  const found = storeLocation(values['data-dir'], env);
  if ('error' in found) return fail(io, json, found.error, 1);
  const { location } = found;
  let report: UnansweredReport;
  try {
    report = await readUnansweredReport(location);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return fail(io, json, `Cannot read ${storeName(location)}: ${reason}`, 1);
  }
  if (values.json) {
    io.stdout.write(`${JSON.stringify(report)}\n`);
  } else if (report.database === null) {
    io.stdout.write(
      `Nothing logged yet: there is no database at ${join(location.dataDir, DEFAULT_DATABASE_FILE)}.\n`,
    );
  } else {
    io.stdout.write(`${formatUnansweredReport(report)}\n`);
  }
  return 0;
}
