import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LANGS, type Lang } from '../knowledge/schema.js';
import { StoreError } from './errors.js';
import {
  clampText,
  DEFAULT_MAX_UNANSWERED,
  type FeedbackReader,
  type ReplyCounts,
  readQuestion,
  tallyVote,
  type UnansweredQuestion,
  VOTED_MESSAGE_TTL_MS,
  type VoteTally,
} from './feedback.js';
import { DEFAULT_OWED_CALLS_LIMIT, type OutboxStore } from './outbox.js';
import { CONTEXT_TTL_MS, type PreferenceStore } from './preferences.js';
import {
  type PendingAlternate,
  pendingKey,
  readPending,
  readSignal,
  type SignalStore,
  type SuggestionDecision,
  storedSignal,
} from './signals.js';
import type { Store } from './store.js';
import {
  type ClaimState,
  UPDATE_CLAIM_TTL_MS,
  UPDATE_DONE_TTL_MS,
  UPDATE_JOURNAL_MAX_AGE_MS,
} from './updates.js';

export { DEFAULT_MAX_UNANSWERED, StoreError };

/**
 * File name of the bot's database inside DATA_DIR: preferences and curator feedback. The name predates
 * the feedback tables and is kept so that existing deployments keep their users' choices.
 */
export const DEFAULT_DATABASE_FILE = 'preferences.sqlite';

/** Options of createSqliteStore. */
export interface SqliteStoreOptions {
  /** File name inside the data folder. Default: DEFAULT_DATABASE_FILE. */
  file?: string;
  /** How many unanswered questions to keep. Default: DEFAULT_MAX_UNANSWERED. */
  maxUnanswered?: number;
}

/**
 * Preferences, curator feedback, the update journal and the webhook update claims over one SQLite
 * connection; close() closes it once.
 */
export type SqliteStore = Store;

/**
 * The layout of the tables below, kept in PRAGMA user_version. 0 is the layout from before it was
 * versioned (the same tables), which is upgraded by stamping it. A newer version is refused before
 * anything is written: this version would not know what it is changing.
 */
export const SCHEMA_VERSION = 1;

/** The columns this version reads and writes, per table; a table that lacks one is refused, named. */
const REQUIRED_COLUMNS: ReadonlyArray<readonly [table: string, columns: readonly string[]]> = [
  ['user_preferences', ['user_id', 'lang', 'updated_at']],
  ['user_context', ['user_id', 'entry_id', 'updated_at']],
  ['unanswered_questions', ['id', 'text', 'lang', 'score', 'kind', 'asked_at']],
  ['entry_votes', ['id', 'entry_id', 'vote', 'lang', 'voted_at']],
  ['reply_counters', ['name', 'value']],
  ['handled_updates', ['update_id', 'handled_at']],
  ['update_claims', ['update_id', 'state', 'owner', 'expires_at']],
  ['voted_messages', ['message_key', 'voted_at']],
  ['signals', ['id', 'at', 'data']],
  ['pending_alternates', ['key', 'at', 'data']],
  ['suggestion_decisions', ['grp', 'data']],
  ['owed_calls', ['id', 'chat', 'method', 'payload', 'created_at', 'attempts', 'not_before']],
  ['outbox_lease', ['name', 'holder', 'expires_at']],
];

/** Expired claims and voted messages are swept after this many writes of each. */
const SWEEP_EVERY = 1000;

const isLang = (value: unknown): value is Lang => typeof value === 'string' && LANGS.includes(value as Lang);

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
  -- Webhook updates being handled or done (see store/updates.ts, UpdateClaims).
  CREATE TABLE IF NOT EXISTS update_claims (
    update_id  INTEGER PRIMARY KEY,
    state      TEXT    NOT NULL,
    owner      TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
  ) STRICT;
  -- Traffic signals for kb:suggest and /review (store/signals.ts): JSON, users only as an HMAC.
  CREATE TABLE IF NOT EXISTS signals (
    id   INTEGER PRIMARY KEY,
    at   INTEGER NOT NULL,
    data TEXT    NOT NULL
  ) STRICT;
  CREATE INDEX IF NOT EXISTS signals_at ON signals (at);
  -- Alternate questions accepted in /review, until kb:suggest --export writes them into knowledge/.
  CREATE TABLE IF NOT EXISTS pending_alternates (
    key  TEXT    PRIMARY KEY,
    at   INTEGER NOT NULL,
    data TEXT    NOT NULL
  ) STRICT;
  -- The curators' decision on each suggestion group.
  CREATE TABLE IF NOT EXISTS suggestion_decisions (
    grp  TEXT PRIMARY KEY,
    data TEXT NOT NULL
  ) STRICT;
  -- Messages voted on ("chat:message"), so that a message counts one vote.
  CREATE TABLE IF NOT EXISTS voted_messages (
    message_key TEXT    PRIMARY KEY,
    voted_at    INTEGER NOT NULL
  ) STRICT;
  -- Replies owed to chats, sent in id order per chat (see store/outbox.ts). AUTOINCREMENT: an id is never
  -- reused, so a newer call never sorts before an older one.
  CREATE TABLE IF NOT EXISTS owed_calls (
    id         INTEGER PRIMARY KEY AUTOINCREMENT,
    chat       TEXT    NOT NULL,
    method     TEXT    NOT NULL,
    payload    TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    attempts   INTEGER NOT NULL DEFAULT 0,
    not_before INTEGER NOT NULL DEFAULT 0
  ) STRICT;
  -- Who sends the owed calls (processes sharing DATA_DIR: one of them).
  CREATE TABLE IF NOT EXISTS outbox_lease (
    name       TEXT    PRIMARY KEY,
    holder     TEXT    NOT NULL,
    expires_at INTEGER NOT NULL
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
    async unanswered() {
      if (!has('unanswered_questions')) return [];
      return db
        .prepare<[], QuestionRow>(
          'SELECT text, lang, score, kind, asked_at FROM unanswered_questions ORDER BY id',
        )
        .all()
        .map((row) => readQuestion({ ...row, at: row.asked_at }));
    },
    async votes() {
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
    async replyCounts() {
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
    // Waits up to 5 s for another process holding the file (several writers, or one opening it).
    db = new Database(path, { timeout: 5000 });
    // Everything up to the WAL switch only reads: a file this version must not use is left as it was.
    if (existed) checkExisting(db, path, advice);
    // WAL: readers never wait for the writer, and a crash mid-write cannot corrupt the file.
    db.pragma('journal_mode = WAL');
    // NORMAL in WAL mode: a committed transaction survives a crash of the process (kill -9); only a power
    // loss may take back the last ones.
    db.pragma('synchronous = NORMAL');
    const current = db;
    // IMMEDIATE takes the write lock first, waiting (busy_timeout) for other processes opening the same
    // file; a deferred transaction would start as a reader and fail at once with "database is locked" when
    // another process wrote before this one could upgrade to a writer.
    current
      .transaction(() => {
        current.exec(SCHEMA);
        current.pragma(`user_version = ${SCHEMA_VERSION}`);
      })
      .immediate();
    return db;
  } catch (error) {
    db?.close();
    if (error instanceof StoreError) throw error;
    throw new StoreError(`Cannot open the database ${path}: ${reasonOf(error)}. ${advice}`);
  }
}

/**
 * Checks an existing database before anything is written to it: readable, undamaged, not from a newer
 * version of the bot, and with the columns this version uses. Throws a StoreError naming the file.
 */
function checkExisting(db: Database.Database, path: string, advice: string): void {
  // The first read of a foreign file already fails with "file is not a database".
  const version = Number(db.pragma('user_version', { simple: true }));
  if (version > SCHEMA_VERSION) {
    throw new StoreError(
      `The database ${path} has schema version ${version}, newer than this bot's ${SCHEMA_VERSION}: ` +
        'it was left untouched. Run the newer version of the bot, or restore a backup made for this one.',
    );
  }
  const check = db.pragma('quick_check', { simple: true });
  if (check !== 'ok') throw new Error(`the integrity check failed (${String(check).split('\n')[0]})`);
  for (const [table, columns] of REQUIRED_COLUMNS) {
    const present = new Set(
      db
        .prepare<[string], { name: string }>('SELECT name FROM pragma_table_info(?)')
        .all(table)
        .map((row) => row.name),
    );
    // A missing table is created below; a table without a column this version uses cannot be fixed here.
    const missing = present.size > 0 ? columns.find((column) => !present.has(column)) : undefined;
    if (missing) {
      throw new StoreError(
        `The database ${path} (schema version ${version}) has no column "${missing}" in table ` +
          `"${table}": it was not written by this bot, or was changed by hand. ${advice}`,
      );
    }
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
  const votes = votedMessages(db);
  const claims = updateClaims(db);
  const signals = signalQueries(db);
  const outbox = sqliteOutbox(db);
  return {
    async getLang(userId) {
      const lang = selectLang.get(userId)?.lang;
      // A value written by a future version that this one does not know is treated as "no choice".
      return isLang(lang) ? lang : undefined;
    },
    async setLang(userId, lang) {
      upsertLang.run(userId, lang, Date.now());
    },
    async getContext(userId) {
      return selectContext.get(userId, Date.now() - CONTEXT_TTL_MS)?.entry_id;
    },
    async setContext(userId, entryId) {
      upsertContext.run(userId, entryId, Date.now());
    },
    async logUnanswered(question) {
      logQuestion(question);
    },
    async countAnswered() {
      bump.run('answered');
    },
    async recordVote({ entryId, vote, lang, at }, messageKey) {
      return votes.record(messageKey, () => insertVote.run(entryId, vote === 'up' ? 1 : -1, lang, at));
    },
    async handledUpdates(maxAgeMs = UPDATE_JOURNAL_MAX_AGE_MS) {
      return selectHandled.pluck().all(Date.now() - maxAgeMs);
    },
    async markUpdateHandled(updateId) {
      insertHandled.run(updateId, Date.now());
    },
    async forgetUpdatesBelow(offset) {
      deleteHandledBelow.run(offset, Date.now() - UPDATE_JOURNAL_MAX_AGE_MS);
    },
    ...claims,
    ...signals,
    ...outbox,
    ...feedbackQueries(db),
    async ping() {
      db.prepare('SELECT 1').get();
    },
    async close() {
      if (db.open) db.close();
    },
  };
}

/** Signals, pending alternates and decisions, each row a JSON document (see store/signals.ts). */
function signalQueries(db: Database.Database): SignalStore {
  const insert = db.prepare<[number, string]>('INSERT INTO signals (at, data) VALUES (?, ?)');
  const select = db.prepare<[], { data: string }>('SELECT data FROM signals ORDER BY at, id');
  const prune = db.prepare<[number]>('DELETE FROM signals WHERE at < ?');
  const addPending = db.prepare<[string, number, string]>(
    'INSERT OR IGNORE INTO pending_alternates (key, at, data) VALUES (?, ?, ?)',
  );
  const selectPending = db.prepare<[], { data: string }>(
    'SELECT data FROM pending_alternates ORDER BY at, key',
  );
  const removePending = db.prepare<[string]>('DELETE FROM pending_alternates WHERE key = ?');
  const upsertDecision = db.prepare<[string, string]>(
    `INSERT INTO suggestion_decisions (grp, data) VALUES (?, ?)
     ON CONFLICT(grp) DO UPDATE SET data = excluded.data`,
  );
  const selectDecisions = db.prepare<[], { data: string }>('SELECT data FROM suggestion_decisions');
  const parse = (data: string): unknown => {
    try {
      return JSON.parse(data);
    } catch {
      return null;
    }
  };
  const addAll = db.transaction((alternates: readonly PendingAlternate[]) => {
    for (const a of alternates) addPending.run(pendingKey(a), a.at, JSON.stringify(a));
  });
  const removeAll = db.transaction((alternates: readonly PendingAlternate[]) => {
    for (const a of alternates) removePending.run(pendingKey(a));
  });
  return {
    async recordSignal(signal) {
      insert.run(signal.at, JSON.stringify(storedSignal(signal)));
    },
    async signals() {
      return select.all().flatMap(({ data }) => readSignal(parse(data)) ?? []);
    },
    async pruneSignals(before) {
      return prune.run(before).changes;
    },
    async addPendingAlternates(alternates) {
      addAll(alternates);
    },
    async pendingAlternates() {
      return selectPending.all().flatMap(({ data }) => readPending(parse(data)) ?? []);
    },
    async removePendingAlternates(alternates) {
      removeAll(alternates);
    },
    async decide(decision) {
      upsertDecision.run(decision.group, JSON.stringify(decision));
    },
    async decisions() {
      return selectDecisions.all().flatMap(({ data }) => {
        const d = parse(data) as SuggestionDecision | null;
        return d && typeof d.group === 'string' ? [d] : [];
      });
    },
  };
}

interface OwedRow {
  id: number;
  chat: string;
  method: string;
  payload: string;
  created_at: number;
  attempts: number;
  not_before: number;
}

/** The outbox in SQLite: one row per owed call; the lease in a one-row table. */
function sqliteOutbox(db: Database.Database): OutboxStore {
  const insert = db.prepare<[string, string, string, number]>(
    'INSERT INTO owed_calls (chat, method, payload, created_at) VALUES (?, ?, ?, ?)',
  );
  const select = db.prepare<[number], OwedRow>(
    'SELECT id, chat, method, payload, created_at, attempts, not_before FROM owed_calls ORDER BY id LIMIT ?',
  );
  const reschedule = db.prepare<[number, number, number]>(
    'UPDATE owed_calls SET attempts = ?, not_before = ? WHERE id = ?',
  );
  const remove = db.prepare<[number]>('DELETE FROM owed_calls WHERE id = ?');
  const summary = db.prepare<[], { depth: number; oldest: number | null }>(
    'SELECT COUNT(*) AS depth, MIN(created_at) AS oldest FROM owed_calls',
  );
  const selectLease = db.prepare<[], { holder: string; expires_at: number }>(
    "SELECT holder, expires_at FROM outbox_lease WHERE name = 'outbox'",
  );
  const upsertLease = db.prepare<[string, number]>(
    `INSERT INTO outbox_lease (name, holder, expires_at) VALUES ('outbox', ?, ?)
     ON CONFLICT(name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at`,
  );
  const lease = db.transaction((holder: string, ttlMs: number): boolean => {
    const now = Date.now();
    const row = selectLease.get();
    if (row && row.holder !== holder && row.expires_at > now) return false;
    upsertLease.run(holder, now + ttlMs);
    return true;
  });
  return {
    async addOwedCall(call) {
      const { lastInsertRowid } = insert.run(
        call.chat,
        call.method,
        JSON.stringify(call.payload),
        call.createdAt,
      );
      return { ...call, id: Number(lastInsertRowid), attempts: 0, notBefore: 0 };
    },
    async owedCalls(limit = DEFAULT_OWED_CALLS_LIMIT) {
      return select.all(limit).map((row) => ({
        id: row.id,
        chat: row.chat,
        method: row.method,
        payload: JSON.parse(row.payload) as Record<string, unknown>,
        createdAt: row.created_at,
        attempts: row.attempts,
        notBefore: row.not_before,
      }));
    },
    async retryOwedCallLater(id, attempts, notBefore) {
      reschedule.run(attempts, notBefore, id);
    },
    async removeOwedCall(id) {
      remove.run(id);
    },
    async outboxSummary() {
      const row = summary.get();
      return { depth: row?.depth ?? 0, oldestAt: row?.oldest ?? undefined };
    },
    async holdOutboxLease(holder, ttlMs) {
      return lease.immediate(holder, ttlMs);
    },
  };
}

/** One vote per message: the vote and the message's mark land together, or not at all. */
function votedMessages(db: Database.Database) {
  const forgetExpired = db.prepare<[string, number]>(
    'DELETE FROM voted_messages WHERE message_key = ? AND voted_at < ?',
  );
  const mark = db.prepare<[string, number]>(
    'INSERT OR IGNORE INTO voted_messages (message_key, voted_at) VALUES (?, ?)',
  );
  const sweep = db.prepare<[number]>('DELETE FROM voted_messages WHERE voted_at < ?');
  let writes = 0;
  const record = db.transaction((messageKey: string | undefined, count: () => void): boolean => {
    if (messageKey !== undefined) {
      const now = Date.now();
      forgetExpired.run(messageKey, now - VOTED_MESSAGE_TTL_MS);
      if (mark.run(messageKey, now).changes === 0) return false;
      if (++writes % SWEEP_EVERY === 0) sweep.run(now - VOTED_MESSAGE_TTL_MS);
    }
    count();
    return true;
  });
  return { record };
}

/** UpdateClaims in SQLite: one transaction per claim, so processes sharing DATA_DIR see one winner. */
function updateClaims(
  db: Database.Database,
): Pick<Store, 'claimUpdate' | 'completeUpdate' | 'releaseUpdate'> {
  // Tells this store's own claims from another process's (a claim that expired may be someone else's now).
  const owner = randomUUID();
  const select = db.prepare<[number], { state: string; expires_at: number }>(
    'SELECT state, expires_at FROM update_claims WHERE update_id = ?',
  );
  const upsert = db.prepare<[number, string, string, number]>(
    `INSERT INTO update_claims (update_id, state, owner, expires_at) VALUES (?, ?, ?, ?)
     ON CONFLICT(update_id) DO UPDATE SET state = excluded.state, owner = excluded.owner,
       expires_at = excluded.expires_at`,
  );
  const release = db.prepare<[number, string]>(
    "DELETE FROM update_claims WHERE update_id = ? AND state = 'processing' AND owner = ?",
  );
  const sweep = db.prepare<[number]>('DELETE FROM update_claims WHERE expires_at <= ?');
  let claimed = 0;
  const claim = db.transaction((updateId: number): ClaimState => {
    const now = Date.now();
    const row = select.get(updateId);
    if (row && row.expires_at > now) return row.state === 'done' ? 'done' : 'busy';
    upsert.run(updateId, 'processing', owner, now + UPDATE_CLAIM_TTL_MS);
    if (++claimed % SWEEP_EVERY === 0) sweep.run(now);
    return 'claimed';
  });
  return {
    async claimUpdate(updateId) {
      return claim.immediate(updateId);
    },
    async completeUpdate(updateId) {
      upsert.run(updateId, 'done', owner, Date.now() + UPDATE_DONE_TTL_MS);
    },
    async releaseUpdate(updateId) {
      release.run(updateId, owner);
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
    async close() {
      if (db.open) db.close();
    },
  };
}
