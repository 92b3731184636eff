import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LANGS, type Lang } from '../knowledge/schema.js';
import {
  clampText,
  type FeedbackReader,
  type FeedbackStore,
  type ReplyCounts,
  tallyVote,
  UNANSWERED_KINDS,
  type UnansweredKind,
  type UnansweredQuestion,
  type VoteTally,
} from './feedback.js';
import { CONTEXT_TTL_MS, type PreferenceStore } from './preferences.js';
import { UPDATE_JOURNAL_MAX_AGE_MS, type UpdateJournal } from './updates.js';

/**
 * File name of the bot's database inside DATA_DIR: preferences and curator feedback. The name predates
 * the feedback tables and is kept so that existing deployments keep their users' choices.
 */
export const DEFAULT_DATABASE_FILE = 'preferences.sqlite';
/** At most this many unanswered questions are kept; the oldest go first (a flood cannot fill the disk). */
export const DEFAULT_MAX_UNANSWERED = 10_000;

/** Options of createSqliteStore. */
export interface SqliteStoreOptions {
  /** File name inside the data folder. Default: DEFAULT_DATABASE_FILE. */
  file?: string;
  /** How many unanswered questions to keep. Default: DEFAULT_MAX_UNANSWERED. */
  maxUnanswered?: number;
}

/** Preferences, curator feedback and the update journal over one SQLite connection; close() closes it once. */
export type SqliteStore = PreferenceStore & FeedbackStore & UpdateJournal;

/**
 * The database cannot be used: unreadable, not a database, or damaged. The message names the file; the file
 * is left exactly as it was found, for the operator to inspect or restore.
 */
export class StoreError extends Error {
  override name = 'StoreError';
}

const isLang = (value: unknown): value is Lang => typeof value === 'string' && LANGS.includes(value as Lang);
const isKind = (value: unknown): value is UnansweredKind =>
  typeof value === 'string' && UNANSWERED_KINDS.includes(value as UnansweredKind);

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS user_preferences (
    user_id    INTEGER PRIMARY KEY,
    lang       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  -- The entry each user was answered last, for follow-up questions ("and where?").
  CREATE TABLE IF NOT EXISTS user_context (
    user_id    INTEGER PRIMARY KEY,
    entry_id   TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT;
  -- Questions the bot could not answer. No user, chat or name columns, on purpose.
  CREATE TABLE IF NOT EXISTS unanswered_questions (
    id       INTEGER PRIMARY KEY,
    text     TEXT    NOT NULL,
    lang     TEXT,
    score    REAL,
    kind     TEXT    NOT NULL,
    asked_at INTEGER NOT NULL
  ) STRICT;
  -- One row per 👍/👎 press, anonymous too.
  CREATE TABLE IF NOT EXISTS entry_votes (
    id       INTEGER PRIMARY KEY,
    entry_id TEXT    NOT NULL,
    vote     INTEGER NOT NULL CHECK (vote IN (-1, 1)),
    lang     TEXT    NOT NULL,
    voted_at INTEGER NOT NULL
  ) STRICT;
  -- Totals for the admins' /stats (the question log above is pruned; these are not). A database from
  -- before this table starts "unanswered" at the questions it still holds.
  CREATE TABLE IF NOT EXISTS reply_counters (
    name  TEXT    PRIMARY KEY,
    value INTEGER NOT NULL
  ) STRICT;
  INSERT OR IGNORE INTO reply_counters (name, value)
    VALUES ('answered', 0), ('unanswered', (SELECT COUNT(*) FROM unanswered_questions));
  -- Updates handled but not yet confirmed to Telegram (see store/updates.ts).
  CREATE TABLE IF NOT EXISTS handled_updates (
    update_id  INTEGER PRIMARY KEY,
    handled_at INTEGER NOT NULL
  ) STRICT;
`;

interface QuestionRow {
  text: string;
  lang: string | null;
  score: number | null;
  kind: string;
  asked_at: number;
}

/** The feedback queries shared by the bot's store and the read-only reader of kb:unanswered. */
function feedbackQueries(
  db: Database.Database,
): Pick<FeedbackReader, 'unanswered' | 'votes' | 'replyCounts'> {
  // A database written by a version without these tables simply has no feedback yet.
  const has = (table: string) =>
    db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table) !== undefined;
  return {
    unanswered() {
      if (!has('unanswered_questions')) return [];
      return db
        .prepare<[], QuestionRow>(
          'SELECT text, lang, score, kind, asked_at FROM unanswered_questions ORDER BY id',
        )
        .all()
        .map(
          (row): UnansweredQuestion => ({
            text: row.text,
            lang: isLang(row.lang) ? row.lang : null,
            score: row.score,
            kind: isKind(row.kind) ? row.kind : 'notFound',
            at: row.asked_at,
          }),
        );
    },
    votes() {
      if (!has('entry_votes')) return [];
      const rows = db
        .prepare<[], { entry_id: string; vote: number; n: number }>(
          'SELECT entry_id, vote, COUNT(*) AS n FROM entry_votes GROUP BY entry_id, vote',
        )
        .all();
      const tallies = new Map<string, VoteTally>();
      for (const row of rows) tallyVote(tallies, row.entry_id, row.vote > 0 ? 'up' : 'down', row.n);
      return [...tallies.values()];
    },
    replyCounts() {
      const counts: ReplyCounts = { answered: 0, unanswered: 0 };
      if (!has('reply_counters')) {
        if (has('unanswered_questions')) {
          const row = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM unanswered_questions').get();
          counts.unanswered = row?.n ?? 0;
        }
        return counts;
      }
      const rows = db
        .prepare<[], { name: string; value: number }>('SELECT name, value FROM reply_counters')
        .all();
      for (const { name, value } of rows) {
        if (name === 'answered' || name === 'unanswered') counts[name] = value;
      }
      return counts;
    },
  };
}

const reasonOf = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Opens (or creates) the database file. An existing file is checked before anything is written to it, so
 * a damaged or foreign file stops the bot with a StoreError instead of being "repaired" into an empty
 * database; a crash mid-write needs no such care, as SQLite's WAL recovers committed transactions.
 */
function openDatabase(dataDir: string, file: string): Database.Database {
  const path = join(dataDir, file);
  const advice =
    'It was left untouched: restore it from a backup, or move it away to start with an empty one.';
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (error) {
    throw new StoreError(`Cannot use DATA_DIR "${dataDir}" for the database: ${reasonOf(error)}`);
  }
  const existed = existsSync(path);
  let db: Database.Database | undefined;
  try {
    db = new Database(path);
    if (existed) {
      // Read-only; the first read of a foreign file already fails with "file is not a database".
      const check = db.pragma('quick_check', { simple: true });
      if (check !== 'ok') throw new Error(`the integrity check failed (${String(check).split('\n')[0]})`);
    }
    // WAL: readers never wait for the writer, and a crash mid-write cannot corrupt the file.
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a crash of the process (kill -9); only a power
    // loss may take back the last ones.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    db.exec(SCHEMA);
    return db;
  } catch (error) {
    db?.close();
    throw new StoreError(`Cannot open the database ${path}: ${reasonOf(error)}. ${advice}`);
  }
}

/** The bot's store in SQLite under `dataDir` (created if missing): preferences and feedback, one connection. */
export function createSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): SqliteStore {
  const { file = DEFAULT_DATABASE_FILE, maxUnanswered = DEFAULT_MAX_UNANSWERED } = options;
  const db = openDatabase(dataDir, file);
  const selectLang = db.prepare<[number], { lang: string }>(
    'SELECT lang FROM user_preferences WHERE user_id = ?',
  );
  const upsertLang = db.prepare<[number, string, number]>(
    `INSERT INTO user_preferences (user_id, lang, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`,
  );
  const selectContext = db.prepare<[number, number], { entry_id: string }>(
    'SELECT entry_id FROM user_context WHERE user_id = ? AND updated_at >= ?',
  );
  const upsertContext = db.prepare<[number, string, number]>(
    `INSERT INTO user_context (user_id, entry_id, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET entry_id = excluded.entry_id, updated_at = excluded.updated_at`,
  );
  const insertQuestion = db.prepare<[string, string | null, number | null, string, number]>(
    'INSERT INTO unanswered_questions (text, lang, score, kind, asked_at) VALUES (?, ?, ?, ?, ?)',
  );
  const pruneQuestions = db.prepare<[number]>('DELETE FROM unanswered_questions WHERE id <= ?');
  const insertVote = db.prepare<[string, number, string, number]>(
    'INSERT INTO entry_votes (entry_id, vote, lang, voted_at) VALUES (?, ?, ?, ?)',
  );
  const bump = db.prepare<[string]>('UPDATE reply_counters SET value = value + 1 WHERE name = ?');
  // The question, its pruning and its count land together or not at all.
  const logQuestion = db.transaction((question: UnansweredQuestion) => {
    const { text, lang, score, kind, at } = question;
    const { lastInsertRowid } = insertQuestion.run(clampText(text), lang, score, kind, at);
    // Ids only grow, so everything at or below (newest - max) is the overflow; one indexed range delete.
    const overflow = Number(lastInsertRowid) - maxUnanswered;
    if (overflow > 0) pruneQuestions.run(overflow);
    bump.run('unanswered');
  });
  const selectHandled = db.prepare<[number], number>(
    'SELECT update_id FROM handled_updates WHERE handled_at >= ? ORDER BY update_id',
  );
  const insertHandled = db.prepare<[number, number]>(
    'INSERT OR REPLACE INTO handled_updates (update_id, handled_at) VALUES (?, ?)',
  );
  // Also the entries too old to ever match (Telegram may even start a new, lower run of update ids).
  const deleteHandledBelow = db.prepare<[number, number]>(
    'DELETE FROM handled_updates WHERE update_id < ? OR handled_at < ?',
  );
  return {
    getLang(userId) {
      const lang = selectLang.get(userId)?.lang;
      // A value written by a future version that this one does not know is treated as "no choice".
      return isLang(lang) ? lang : undefined;
    },
    setLang(userId, lang) {
      upsertLang.run(userId, lang, Date.now());
    },
    getContext(userId) {
      return selectContext.get(userId, Date.now() - CONTEXT_TTL_MS)?.entry_id;
    },
    setContext(userId, entryId) {
      upsertContext.run(userId, entryId, Date.now());
    },
    logUnanswered(question) {
      logQuestion(question);
    },
    countAnswered() {
      bump.run('answered');
    },
    recordVote({ entryId, vote, lang, at }) {
      insertVote.run(entryId, vote === 'up' ? 1 : -1, lang, at);
    },
    handledUpdates(maxAgeMs = UPDATE_JOURNAL_MAX_AGE_MS) {
      return selectHandled.pluck().all(Date.now() - maxAgeMs);
    },
    markUpdateHandled(updateId) {
      insertHandled.run(updateId, Date.now());
    },
    forgetUpdatesBelow(offset) {
      deleteHandledBelow.run(offset, Date.now() - UPDATE_JOURNAL_MAX_AGE_MS);
    },
    ...feedbackQueries(db),
    close() {
      if (db.open) db.close();
    },
  };
}

/** A PreferenceStore in SQLite under `dataDir` (created if missing); survives restarts. */
export function createSqlitePreferenceStore(dataDir: string, file = DEFAULT_DATABASE_FILE): PreferenceStore {
  return createSqliteStore(dataDir, { file });
}

/**
 * Opens the bot's database for reading the feedback without creating or changing anything on disk;
 * undefined when there is no database yet. While the bot runs (a -wal file exists) it reads through a
 * read-only connection, which sees what is still in the WAL; otherwise it reads an in-memory snapshot,
 * so that not even SQLite's -wal/-shm side files appear next to the database.
 */
export function openSqliteFeedbackReader(
  dataDir: string,
  file = DEFAULT_DATABASE_FILE,
): FeedbackReader | undefined {
  const path = join(dataDir, file);
  if (!existsSync(path)) return undefined;
  let db: Database.Database;
  if (existsSync(`${path}-wal`)) {
    db = new Database(path, { readonly: true, fileMustExist: true });
  } else {
    const image = readFileSync(path);
    if (image.length === 0) return undefined;
    // A WAL-mode header (file format bytes 18-19 = 2) cannot be opened in memory. With no WAL file the
    // snapshot is complete, so it is marked as a rollback-journal database instead.
    if (image.length >= 20 && image[18] === 2 && image[19] === 2) {
      image[18] = 1;
      image[19] = 1;
    }
    db = new Database(image, { readonly: true });
  }
  return {
    ...feedbackQueries(db),
    close() {
      if (db.open) db.close();
    },
  };
}
