import { join } from 'node:path';
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createSqlitePreferenceStore, DEFAULT_DATABASE_FILE } from '../../src/store/sqlite.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('prefs-');

describe('SQLite preference store', () => {
  it('remembers the last answered entry per user across a restart, for follow-ups', async () => {
    const dir = tempDir();
    const first = createSqlitePreferenceStore(dir);
    expect(await first.getContext(7)).toBeUndefined();
    await first.setContext(7, 'forum-date');
    await first.setContext(7, 'forum-venue');
    await first.setContext(8, 'speakers-overview');
    first.close();
    const second = createSqlitePreferenceStore(dir);
    expect(await second.getContext(7)).toBe('forum-venue');
    expect(await second.getContext(8)).toBe('speakers-overview');
    expect(await second.getContext(9)).toBeUndefined();
    second.close();
  });

  it('remembers a choice across a restart (close and reopen)', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const first = createSqlitePreferenceStore(dir);
    expect(await first.getLang(42)).toBeUndefined();
    await first.setLang(42, 'ru');
    await first.setLang(43, 'zh');
    await first.setLang(42, 'en');
    first.close();

    const second = createSqlitePreferenceStore(dir);
    expect(await second.getLang(42)).toBe('en');
    expect(await second.getLang(43)).toBe('zh');
    expect(await second.getLang(44)).toBeUndefined();
    second.close();
  });

  it('keys by Telegram user ids beyond 32 bits', async () => {
    const store = createSqlitePreferenceStore(tempDir());
    await store.setLang(7_654_321_098, 'zh');
    expect(await store.getLang(7_654_321_098)).toBe('zh');
    expect(await store.getLang(7_654_321_099)).toBeUndefined();
    store.close();
  });

  it('uses WAL journaling', () => {
    const dir = tempDir();
    createSqlitePreferenceStore(dir).close();
    const db = new Database(join(dir, DEFAULT_DATABASE_FILE), { readonly: true });
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('treats a value it does not know as no choice', async () => {
    const dir = tempDir();
    createSqlitePreferenceStore(dir).close();
    const db = new Database(join(dir, DEFAULT_DATABASE_FILE));
    db.prepare('INSERT INTO user_preferences (user_id, lang, updated_at) VALUES (1, ?, 0)').run('klingon');
    db.close();
    const store = createSqlitePreferenceStore(dir);
    expect(await store.getLang(1)).toBeUndefined();
    store.close();
  });

  it('close() twice is harmless', () => {
    const store = createSqlitePreferenceStore(tempDir());
    store.close();
    expect(() => store.close()).not.toThrow();
  });
});
