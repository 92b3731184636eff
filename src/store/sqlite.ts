import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { LANGS, type Lang } from '../knowledge/schema.js';
import type { PreferenceStore } from './preferences.js';

/** File name of the preferences database inside DATA_DIR. */
export const DEFAULT_DATABASE_FILE = 'preferences.sqlite';

const isLang = (value: unknown): value is Lang => typeof value === 'string' && LANGS.includes(value as Lang);

/** A PreferenceStore in SQLite under `dataDir` (created if missing); survives restarts. */
export function createSqlitePreferenceStore(dataDir: string, file = DEFAULT_DATABASE_FILE): PreferenceStore {
  mkdirSync(dataDir, { recursive: true });
  const db = new Database(join(dataDir, file));
  // WAL: readers never wait for the writer, and a crash mid-write cannot corrupt the file.
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('busy_timeout = 5000');
  db.exec(`CREATE TABLE IF NOT EXISTS user_preferences (
    user_id    INTEGER PRIMARY KEY,
    lang       TEXT    NOT NULL,
    updated_at INTEGER NOT NULL
  ) STRICT`);
  const select = db.prepare<[number], { lang: string }>(
    'SELECT lang FROM user_preferences WHERE user_id = ?',
  );
  const upsert = db.prepare<[number, string, number]>(
    `INSERT INTO user_preferences (user_id, lang, updated_at) VALUES (?, ?, ?)
     ON CONFLICT(user_id) DO UPDATE SET lang = excluded.lang, updated_at = excluded.updated_at`,
  );
  return {
    getLang(userId) {
      const lang = select.get(userId)?.lang;
      // A value written by a future version that this one does not know is treated as "no choice".
      return isLang(lang) ? lang : undefined;
    },
    setLang(userId, lang) {
      upsert.run(userId, lang, Date.now());
    },
    close() {
      if (db.open) db.close();
    },
  };
}
