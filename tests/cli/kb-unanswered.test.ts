import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { groupUnanswered, sortVotes, type UnansweredReport } from '../../src/cli/kb-unanswered.js';
import { createSqliteStore, DEFAULT_DATABASE_FILE } from '../../src/store/sqlite.js';
import { tempDirs } from '../support/temp-dirs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The built CLI, exactly what `npm run kb:unanswered` runs (npm test builds before running vitest).
const kbUnanswered = (args: string[], env: Record<string, string> = {}) =>
  spawnSync(process.execPath, ['dist/bin/kb-unanswered.js', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, DATA_DIR: '', STORE_URL: '', ...env },
  });

const tempDir = tempDirs('unanswered-');

const T0 = Date.UTC(2025, 7, 20, 9, 30);
const MINUTE = 60_000;

/** A DATA_DIR as the bot leaves it: three ways of asking about opening hours, two others, and votes. */
async function seededDataDir(): Promise<string> {
  const dir = tempDir();
  const store = createSqliteStore(dir);
  const log = (text: string, lang: 'zh' | 'ru' | 'en' | null, score: number | null, minutes: number) =>
    store.logUnanswered({ text, lang, score, kind: 'notFound', at: T0 + minutes * MINUTE });
  await log('What are the opening hours?', 'en', 0.21, 0);
  await log('Где купить билет?', 'ru', null, 1);
  await log('what are the  OPENING hours', 'en', 0.25, 2);
  await log('What are the opening hours?!', 'en', 0.18, 3);
  await log('图书馆几点开门', 'zh', 0.1, 4);
  await log('где купить билет', 'ru', 0.05, 5);
  await store.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'en', at: T0 });
  await store.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'ru', at: T0 });
  await store.recordVote({ entryId: 'forum-venue', vote: 'down', lang: 'en', at: T0 });
  await store.recordVote({ entryId: 'forum-venue', vote: 'down', lang: 'zh', at: T0 });
  await store.recordVote({ entryId: 'forum-venue', vote: 'up', lang: 'zh', at: T0 });
  await store.recordVote({ entryId: 'plans-2026', vote: 'down', lang: 'ru', at: T0 });
  store.close();
  return dir;
}

describe('kb:unanswered (the built CLI)', () => {
  it('groups the questions by folded text, most frequent first, with count, language, best score and last time', async () => {
    const dir = await seededDataDir();
    const run = kbUnanswered(['--data-dir', dir]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toBe('Unanswered questions: 6 logged, 3 distinct, most frequent first');
    const rows = lines.filter((l) => /^\s+\d+\s{2}/.test(l));
    expect(rows[0]).toMatch(/^\s+3 {2}en\s+0\.250 {2}2025-08-20 09:33 {2}What are the opening hours\?!$/);
    expect(rows[1]).toMatch(/^\s+2 {2}ru\s+0\.050 {2}2025-08-20 09:35 {2}где купить билет$/);
    expect(rows[2]).toMatch(/^\s+1 {2}zh\s+0\.100 {2}2025-08-20 09:34 {2}图书馆几点开门$/);
  });

  it('lists the votes per entry, the most 👎 first', async () => {
    const run = kbUnanswered(['--data-dir', await seededDataDir()]);
    const votes = run.stdout
      .split('Votes per entry')[1]
      ?.split('\n')
      .filter((l) => /\d/.test(l));
    expect(votes?.map((l) => l.trim().split(/\s+/))).toEqual([
      ['2', '1', 'forum-venue'],
      ['1', '0', 'plans-2026'],
      ['0', '2', 'forum-date'],
    ]);
  });

  it('reads DATA_DIR from the environment when --data-dir is not given', async () => {
    const run = kbUnanswered([], { DATA_DIR: await seededDataDir() });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Unanswered questions: 6 logged/);
  });

  it('prints one JSON object with --json', async () => {
    const dir = await seededDataDir();
    const run = kbUnanswered(['--json', '--data-dir', dir]);
    const report = JSON.parse(run.stdout) as UnansweredReport;
    expect(report.database).toBe(join(dir, DEFAULT_DATABASE_FILE));
    expect(report.unanswered.total).toBe(6);
    expect(report.unanswered.groups[0]).toEqual({
      text: 'What are the opening hours?!',
      count: 3,
      langs: ['en'],
      bestScore: 0.25,
      lastAt: '2025-08-20T09:33:00.000Z',
    });
    expect(report.votes[0]).toEqual({ entryId: 'forum-venue', up: 1, down: 2 });
  });

  it('says "nothing logged yet" and exits 0 when there is no database, creating nothing', () => {
    const dir = tempDir();
    const run = kbUnanswered(['--data-dir', dir]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^Nothing logged yet/);
    expect(readdirSync(dir)).toEqual([]);
    const json = kbUnanswered(['--json', '--data-dir', dir]);
    expect(JSON.parse(json.stdout)).toEqual({
      database: null,
      unanswered: { total: 0, groups: [] },
      votes: [],
    });
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves the database exactly as it was', async () => {
    const dir = await seededDataDir();
    const file = join(dir, DEFAULT_DATABASE_FILE);
    const before = { files: readdirSync(dir).sort(), bytes: readFileSync(file) };
    expect(kbUnanswered(['--data-dir', dir]).status).toBe(0);
    expect(readdirSync(dir).sort()).toEqual(before.files);
    expect(readFileSync(file).equals(before.bytes)).toBe(true);
  });

  it('rejects unknown options with exit code 2', () => {
    expect(kbUnanswered(['--verbose']).status).toBe(2);
  });

  it('a --data-dir that does not exist is an error, not "nothing logged yet"', () => {
    const missing = join(tempDir(), 'typo');
    const run = kbUnanswered(['--data-dir', missing]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe(`--data-dir ${missing}: the folder does not exist\n`);
    const json = kbUnanswered(['--json', '--data-dir', missing]);
    expect(json.status).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ error: `--data-dir ${missing}: the folder does not exist` });
  });

  it('checks every configuration variable, as the bot does at start (LOG_LEVEL=loud)', () => {
    const run = kbUnanswered(['--data-dir', tempDir()], { LOG_LEVEL: 'loud' });
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/^Invalid configuration: LOG_LEVEL must be one of/);
    expect(run.stdout).toBe('');
  });

  it('a stray argument or a missing value is one line of its own, exit 2', () => {
    for (const [args, reason] of [
      [['data'], 'unexpected argument "data"'],
      [['--data-dir'], '--data-dir needs a value'],
    ] as const) {
      const run = kbUnanswered([...args]);
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.startsWith(`${reason}; usage: kb:unanswered`)).toBe(true);
    }
  });
});

describe('grouping', () => {
  it('folds case, punctuation, spacing, ё and Traditional characters; lists every language seen', () => {
    const at = (n: number) => T0 + n;
    const groups = groupUnanswered([
      { text: '圖書館幾點開門？', lang: 'zh', score: null, kind: 'notFound', at: at(1) },
      { text: '图书馆几点开门', lang: 'zh', score: 0.3, kind: 'suggestions', at: at(2) },
      { text: 'Всё ещё открыто?', lang: 'ru', score: 0.1, kind: 'notFound', at: at(3) },
      { text: 'все еще открыто', lang: null, score: null, kind: 'notFound', at: at(4) },
      { text: 'ВСЕ ЕЩЕ ОТКРЫТО', lang: 'ru', score: null, kind: 'notFound', at: at(0) },
    ]);
    expect(groups).toEqual([
      { text: 'все еще открыто', count: 3, langs: ['ru', null], bestScore: 0.1, lastAt: at(4) },
      { text: '图书馆几点开门', count: 2, langs: ['zh'], bestScore: 0.3, lastAt: at(2) },
    ]);
  });

  it('sorts votes by 👎, then by fewer 👍', () => {
    expect(
      sortVotes([
        { entryId: 'a', up: 5, down: 1 },
        { entryId: 'b', up: 0, down: 1 },
        { entryId: 'c', up: 9, down: 3 },
      ]).map((v) => v.entryId),
    ).toEqual(['c', 'b', 'a']);
  });
});
