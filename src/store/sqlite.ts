import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LANGS, type Lang } from '../knowledge/schema.js';
import {
  clampText,
  type FeedbackReader,
  type FeedbackStore,
  tallyVote,
  UNANSWERED_KINDS,
  type UnansweredKind,
  type UnansweredQuestion,
  type VoteTally,
} from './feedback.js';
import type { PreferenceStore } from './preferences.js';

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

/** Preferences and curator feedback over one SQLite connection; close() closes it once. */
export type SqliteStore = PreferenceStore & FeedbackStore;

const isLang = (value: unknown): value is Lang => typeof value === 'string' && LANGS.includes(value as Lang);
const isKind = (value: unknown): value is UnansweredKind =>
  typeof value === 'string' && UNANSWERED_KINDS.includes(value as UnansweredKind);

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS user_preferences (
    user_id    INTEGER PRIMARY KEY,
    lang       TEXT    NOT NULL,
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
`;

interface QuestionRow {
  text: string;
  lang: string | null;
  score: number | null;
  kind: string;
  asked_at: number;
}

/** The feedback queries shared by the bot's store and the read-only reader of kb:unanswered. */
function feedbackQueries(db: Database.Database): Pick<FeedbackReader, 'unanswered' | 'votes'> {
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
  };
}

/** The bot's store in SQLite under `dataDir` (created if missing): preferences and feedback, one connection. */
export function createSqliteStore(dataDir: string, options: SqliteStoreOptions = {}): SqliteStore {
  const { file = DEFAULT_DATABASE_FILE, maxUnanswered = DEFAULT_MAX_UNANSWERED } = options;
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, file));
  // WAL: readers never wait for the writer, and a crash mid-write cannot corrupt the file.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(SCHEMA);
  const selectLang = db.prepare<[number], { lang: string }>(
    'SELECT lang FROM user_preferences WHERE user_id = ?',
  );
  const upsertLang = db.prepare<[number, string, number]>(
    `INSERT INTO user_preferences (user_id, lang, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`,
  );
  const insertQuestion = db.prepare<[string, string | null, number | null, string, number]>(
    'INSERT INTO unanswered_questions (text, lang, score, kind, asked_at) VALUES (?, ?, ?, ?, ?)',
  );
  const pruneQuestions = db.prepare<[number]>('DELETE FROM unanswered_questions WHERE id <= ?');
  const insertVote = db.prepare<[string, number, string, number]>(
    'INSERT INTO entry_votes (entry_id, vote, lang, voted_at) VALUES (?, ?, ?, ?)',
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
    logUnanswered({ text, lang, score, kind, at }) {
      const { lastInsertRowid } = insertQuestion.run(clampText(text), lang, score, kind, at);
      // Ids only grow, so everything at or below (newest - max) is the overflow; one indexed range delete.
      const overflow = Number(lastInsertRowid) - maxUnanswered;
      if (overflow > 0) pruneQuestions.run(overflow);
    },
    recordVote({ entryId, vote, lang, at }) {
      insertVote.run(entryId, vote === 'up' ? 1 : -1, lang, at);
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
