import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { clampText, type UnansweredQuestion } from '../../src/store/feedback.js';
import {
  createSqlitePreferenceStore,
  createSqliteStore,
  DEFAULT_DATABASE_FILE,
  openSqliteFeedbackReader,
} from '../../src/store/sqlite.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('feedback-');

const question = (text: string, at: number, extra: Partial<UnansweredQuestion> = {}): UnansweredQuestion => ({
  text,
  lang: 'en',
  score: 0.2,
  kind: 'notFound',
  at,
  ...extra,
});

// The behaviour every store shares is in contract.ts.

describe('clampText', () => {
  it('never cuts an emoji in half', () => {
    expect(clampText('😀'.repeat(10), 3)).toBe('😀😀😀');
  });
});

describe('SQLite feedback store', () => {
  it('survives a restart, in the same database file as the preferences', async () => {
    const dir = tempDir();
    const first = createSqliteStore(dir);
    await first.setLang(42, 'ru');
    await first.logUnanswered(question('library card', 10));
    await first.recordVote({ entryId: 'forum-date', vote: 'down', lang: 'en', at: 11 });
    first.close();

    expect(readdirSync(dir).filter((f) => !f.endsWith('-wal') && !f.endsWith('-shm'))).toEqual([
      DEFAULT_DATABASE_FILE,
    ]);
    const second = createSqliteStore(dir);
    expect(await second.getLang(42)).toBe('ru');
    expect(await second.unanswered()).toEqual([question('library card', 10)]);
    expect(await second.votes()).toEqual([{ entryId: 'forum-date', up: 0, down: 1 }]);
    second.close();
  });

  it('has no column for who asked or where', () => {
    const dir = tempDir();
    createSqliteStore(dir).close();
    const db = new Database(join(dir, DEFAULT_DATABASE_FILE), { readonly: true });
    const columns = (table: string) =>
      (db.pragma(`table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
    expect(columns('unanswered_questions')).toEqual(['id', 'text', 'lang', 'score', 'kind', 'asked_at']);
    expect(columns('entry_votes')).toEqual(['id', 'entry_id', 'vote', 'lang', 'voted_at']);
    db.close();
  });

  it('keeps only the newest questions beyond its limit', async () => {
    const store = createSqliteStore(tempDir(), { maxUnanswered: 3 });
    for (let i = 1; i <= 5; i++) await store.logUnanswered(question(`q${i}`, i));
    expect((await store.unanswered()).map((q) => q.text)).toEqual(['q3', 'q4', 'q5']);
    store.close();
  });

  it('upgrades a database written before the feedback tables existed, keeping the preferences', async () => {
    const dir = tempDir();
    const old = new Database(join(dir, DEFAULT_DATABASE_FILE));
    old.exec(
      'CREATE TABLE user_preferences (user_id INTEGER PRIMARY KEY, lang TEXT NOT NULL, updated_at INTEGER NOT NULL) STRICT',
    );
    old.prepare('INSERT INTO user_preferences VALUES (7, ?, 0)').run('zh');
    old.close();
    expect(await openSqliteFeedbackReader(dir)?.unanswered()).toEqual([]);

    const store = createSqliteStore(dir);
    expect(await store.getLang(7)).toBe('zh');
    await store.logUnanswered(question('x', 1));
    expect(await store.unanswered()).toHaveLength(1);
    store.close();
  });

  it('createSqlitePreferenceStore still opens the same database', async () => {
    const dir = tempDir();
    const prefs = createSqlitePreferenceStore(dir);
    await prefs.setLang(1, 'en');
    prefs.close();
    const store = createSqliteStore(dir);
    expect(await store.getLang(1)).toBe('en');
    store.close();
  });
});

describe('the read-only feedback reader', () => {
  it('is undefined when nothing was ever stored, and creates nothing', () => {
    const dir = tempDir();
    expect(openSqliteFeedbackReader(dir)).toBeUndefined();
    expect(openSqliteFeedbackReader(join(dir, 'missing'))).toBeUndefined();
    expect(readdirSync(dir)).toEqual([]);
  });

  it('reads a closed database without creating or changing any file', async () => {
    const dir = tempDir();
    const store = createSqliteStore(dir);
    await store.logUnanswered(question('library card', 10));
    await store.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'en', at: 11 });
    store.close();
    const file = join(dir, DEFAULT_DATABASE_FILE);
    const before = { files: readdirSync(dir), bytes: readFileSync(file), mtime: statSync(file).mtimeMs };

    const reader = openSqliteFeedbackReader(dir);
    expect(await reader?.unanswered()).toEqual([question('library card', 10)]);
    expect(await reader?.votes()).toEqual([{ entryId: 'forum-date', up: 1, down: 0 }]);
    reader?.close();

    expect(readdirSync(dir)).toEqual(before.files);
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
    expect(statSync(file).mtimeMs).toBe(before.mtime);
    // The bot can still open it, in WAL mode as before.
    const again = createSqliteStore(dir);
    expect(await again.unanswered()).toHaveLength(1);
    again.close();
  });

  it('sees what a running bot has written but not yet checkpointed', async () => {
    const dir = tempDir();
    const bot = createSqliteStore(dir);
    await bot.logUnanswered(question('still in the WAL', 5));
    const reader = openSqliteFeedbackReader(dir);
    expect((await reader?.unanswered())?.map((q) => q.text)).toEqual(['still in the WAL']);
    reader?.close();
    await bot.logUnanswered(question('after the reader', 6));
    expect(await bot.unanswered()).toHaveLength(2);
    bot.close();
  });
});
