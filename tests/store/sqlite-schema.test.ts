import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import {
  createSqliteStore,
  DEFAULT_DATABASE_FILE,
  SCHEMA_VERSION,
  StoreError,
} from '../../src/store/sqlite.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('schema-');

/** A database file as an older or newer version of the bot, or a person, left it. */
function databaseAt(dir: string, setup: string): string {
  const path = join(dir, DEFAULT_DATABASE_FILE);
  const db = new Database(path);
  db.exec(setup);
  db.close();
  return path;
}

function openError(dir: string): StoreError {
  try {
    createSqliteStore(dir).close();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreError);
    return error as StoreError;
  }
  throw new Error('expected a StoreError');
}

describe('SQLite schema version', () => {
  it('stamps a new database with the current version', () => {
    const dir = tempDir();
    createSqliteStore(dir).close();
    const db = new Database(join(dir, DEFAULT_DATABASE_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a database from a newer version before writing anything, naming the file and both versions', () => {
    const dir = tempDir();
    const path = databaseAt(dir, 'CREATE TABLE future_things (x INTEGER); PRAGMA user_version = 99;');
    const before = readFileSync(path);
    const error = openError(dir);
    expect(error.message).toContain(path);
    expect(error.message).toContain('schema version 99');
    expect(error.message).toContain(`this bot's ${SCHEMA_VERSION}`);
    expect(error.message.split('\n')).toHaveLength(1);
    // Untouched: same bytes, still in rollback-journal mode, no tables added, no side files.
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(readdirSync(dir)).toEqual([DEFAULT_DATABASE_FILE]);
    const db = new Database(path, { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('delete');
    expect(db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").pluck().all()).toEqual([
      'future_things',
    ]);
    db.close();
  });

  it('upgrades an unversioned database (version 0), keeping what it holds', async () => {
    const dir = tempDir();
    databaseAt(
      dir,
      `CREATE TABLE user_preferences (user_id INTEGER PRIMARY KEY, lang TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT;
       INSERT INTO user_preferences VALUES (42, 'ru', 0);`,
    );
    const store = createSqliteStore(dir);
    expect(await store.getLang(42)).toBe('ru');
    await store.close();
    const db = new Database(join(dir, DEFAULT_DATABASE_FILE), { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    db.close();
  });

  it('refuses a table whose column was renamed, naming the file, the table and the column', () => {
    const dir = tempDir();
    const path = databaseAt(
      dir,
      `CREATE TABLE user_preferences (user_id INTEGER PRIMARY KEY, language TEXT NOT NULL, updated_at INTEGER NOT NULL);`,
    );
    const before = readFileSync(path);
    const error = openError(dir);
    expect(error.message).toContain(path);
    expect(error.message).toContain('no column "lang" in table "user_preferences"');
    expect(readFileSync(path).equals(before)).toBe(true);
    expect(existsSync(`${path}-wal`)).toBe(false);
  });
});
