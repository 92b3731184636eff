import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createMemoryFeedbackStore } from '../../src/store/feedback.js';
import {
  createSqliteStore,
  DEFAULT_DATABASE_FILE,
  openSqliteFeedbackReader,
} from '../../src/store/sqlite.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('journal-');

// The behaviour every store shares is in contract.ts.

describe('SQLite update journal', () => {
  it('survives a restart', async () => {
    const dir = tempDir();
    const first = createSqliteStore(dir);
    await first.markUpdateHandled(42);
    first.close();
    const second = createSqliteStore(dir);
    expect(await second.handledUpdates()).toEqual([42]);
    second.close();
  });
});

describe('reply counts for /stats', () => {
  it('count answered and unanswered questions, in memory and in SQLite, and survive a restart', async () => {
    const question = { text: 'q', lang: 'en' as const, score: 0.1, kind: 'notFound' as const, at: 1 };
    const memory = createMemoryFeedbackStore();
    const dir = tempDir();
    const sqlite = createSqliteStore(dir, { maxUnanswered: 2 });
    for (const store of [memory, sqlite]) {
      await store.countAnswered();
      await store.countAnswered();
      for (let i = 0; i < 5; i++) await store.logUnanswered(question);
      // The log keeps only the newest questions; the count is a total.
      expect(await store.replyCounts()).toEqual({ answered: 2, unanswered: 5 });
    }
    sqlite.close();
    const reader = openSqliteFeedbackReader(dir);
    expect(await reader?.replyCounts()).toEqual({ answered: 2, unanswered: 5 });
    reader?.close();
  });

  it('start "unanswered" at the questions an older database holds', async () => {
    const dir = tempDir();
    const old = new Database(join(dir, DEFAULT_DATABASE_FILE));
    old.exec(
      'CREATE TABLE unanswered_questions (id INTEGER PRIMARY KEY, text TEXT NOT NULL, lang TEXT, score REAL, kind TEXT NOT NULL, asked_at INTEGER NOT NULL) STRICT',
    );
    for (let i = 0; i < 3; i++)
      old
        .prepare("INSERT INTO unanswered_questions (text, kind, asked_at) VALUES ('q', 'notFound', 0)")
        .run();
    old.close();
    const reader = openSqliteFeedbackReader(dir);
    expect(await reader?.replyCounts()).toEqual({ answered: 0, unanswered: 3 });
    reader?.close();
    const store = createSqliteStore(dir);
    expect(await store.replyCounts()).toEqual({ answered: 0, unanswered: 3 });
    store.close();
  });
});
