import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createMemoryFeedbackStore } from '../../src/store/feedback.js';
import {
  createSqliteStore,
  DEFAULT_DATABASE_FILE,
  openSqliteFeedbackReader,
} from '../../src/store/sqlite.js';
import {
  createMemoryUpdateJournal,
  UPDATE_JOURNAL_MAX_AGE_MS,
  type UpdateJournal,
} from '../../src/store/updates.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'journal-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function journalBehaviour(name: string, create: () => UpdateJournal & { close?: () => void }) {
  describe(`${name}: update journal`, () => {
    it('remembers handled updates until Telegram has confirmed them', () => {
      const journal = create();
      for (const id of [105, 101, 103]) journal.markUpdateHandled(id);
      expect(journal.handledUpdates().sort()).toEqual([101, 103, 105]);
      journal.forgetUpdatesBelow(104);
      expect(journal.handledUpdates()).toEqual([105]);
      journal.close?.();
    });

    it('ignores entries older than Telegram keeps updates', () => {
      const journal = create();
      journal.markUpdateHandled(7);
      expect(journal.handledUpdates(-1)).toEqual([]);
      expect(journal.handledUpdates(UPDATE_JOURNAL_MAX_AGE_MS)).toEqual([7]);
      journal.close?.();
    });
  });
}

journalBehaviour('memory', () => createMemoryUpdateJournal());
journalBehaviour('SQLite', () => createSqliteStore(tempDir()));

describe('SQLite update journal', () => {
  it('survives a restart', () => {
    const dir = tempDir();
    const first = createSqliteStore(dir);
    first.markUpdateHandled(42);
    first.close();
    const second = createSqliteStore(dir);
    expect(second.handledUpdates()).toEqual([42]);
    second.close();
  });
});

describe('reply counts for /stats', () => {
  it('count answered and unanswered questions, in memory and in SQLite, and survive a restart', () => {
    const question = { text: 'q', lang: 'en' as const, score: 0.1, kind: 'notFound' as const, at: 1 };
    const memory = createMemoryFeedbackStore();
    const dir = tempDir();
    const sqlite = createSqliteStore(dir, { maxUnanswered: 2 });
    for (const store of [memory, sqlite]) {
      store.countAnswered();
      store.countAnswered();
      for (let i = 0; i < 5; i++) store.logUnanswered(question);
      // The log keeps only the newest questions; the count is a total.
      expect(store.replyCounts()).toEqual({ answered: 2, unanswered: 5 });
    }
    sqlite.close();
    const reader = openSqliteFeedbackReader(dir);
    expect(reader?.replyCounts()).toEqual({ answered: 2, unanswered: 5 });
    reader?.close();
  });

  it('start "unanswered" at the questions an older database holds', () => {
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
    expect(reader?.replyCounts()).toEqual({ answered: 0, unanswered: 3 });
    reader?.close();
    const store = createSqliteStore(dir);
    expect(store.replyCounts()).toEqual({ answered: 0, unanswered: 3 });
    store.close();
  });
});
