import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { pino } from 'pino';
import type { Update } from 'telegraf/types';
import { afterEach, describe, expect, it } from 'vitest';
import { createDispatcher } from '../../src/bot/dispatcher.js';
import { LANGS } from '../../src/knowledge/schema.js';
import { createSqliteStore, DEFAULT_DATABASE_FILE, StoreError } from '../../src/store/sqlite.js';
import { buttonPress, createHarness, textMessage, tr } from '../bot/helpers.js';
import { REPO_ROOT, spawnBot, tempDir } from '../e2e/harness.js';
import { recordFigures } from './figures.js';

const TSX_LOADER = join(REPO_ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs');
const WRITER = join(REPO_ROOT, 'tests', 'reliability', 'store-writer.ts');

const dirs: Array<ReturnType<typeof tempDir>> = [];
const fresh = () => {
  const dir = tempDir('forum-bot-state-');
  dirs.push(dir);
  return dir.dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) dir.remove();
});

/** Starts the writer child; resolves its acknowledged write numbers as they come. */
function writer(dataDir: string, first: number, count: number) {
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', TSX_LOADER, WRITER, dataDir, String(first), String(count)],
    {
      cwd: REPO_ROOT,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const acked: number[] = [];
  let stderr = '';
  let buffer = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => {
    onReady = resolve;
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    const lines = buffer.split('\n');
    buffer = lines.pop() ?? '';
    for (const line of lines) {
      if (line === 'ready') onReady();
      else if (line.startsWith('ack ')) acked.push(Number(line.slice(4)));
    }
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr += chunk.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, acked, ready, exited, stderr: () => stderr };
}

const integrity = (path: string) => {
  const db = new Database(path, { readonly: true });
  try {
    return db.pragma('integrity_check', { simple: true });
  } finally {
    db.close();
  }
};

describe('the preference store survives kill -9 mid-write (SQLite WAL)', () => {
  it('keeps every acknowledged write and an intact file, over repeated SIGKILLs', async () => {
    const dir = fresh();
    const path = join(dir, DEFAULT_DATABASE_FILE);
    const KILLS = 3;
    let acknowledged = 0;
    let next = 10;
    for (let round = 0; round < KILLS; round++) {
      const w = writer(dir, next, 0);
      await w.ready;
      // Let it write for a while, then kill it without warning, in the middle of its loop.
      await new Promise((resolve) => setTimeout(resolve, 150 + round * 50));
      expect(existsSync(`${path}-wal`)).toBe(true);
      w.child.kill('SIGKILL');
      expect(await w.exited).toBeNull();
      expect(w.acked.length, w.stderr()).toBeGreaterThan(20);
      acknowledged += w.acked.length;

      // Reopened as the bot would: no error, an intact file, and every acknowledged write is there.
      expect(integrity(path)).toBe('ok');
      const store = createSqliteStore(dir);
      for (const i of w.acked) expect(await store.getLang(i)).toBe(LANGS[i % LANGS.length]);
      const last = w.acked.at(-1) ?? 0;
      expect((await store.replyCounts()).unanswered).toBeGreaterThanOrEqual(acknowledged);
      expect((await store.unanswered()).map((q) => q.text)).toContain(`question ${last}`);
      store.close();
      next = last + 1_000;
    }
    recordFigures('state: kill -9 mid-write', { kills: KILLS, acknowledgedWrites: acknowledged, lost: 0 });
  }, 30_000);

  it('loses no language change when several processes write at once (busy database)', async () => {
    const dir = fresh();
    createSqliteStore(dir).close();
    const writers = [100, 10_000, 20_000, 30_000].map((first) => writer(dir, first, 150));
    const codes = await Promise.all(writers.map((w) => w.exited));
    expect(codes, writers.map((w) => w.stderr()).join('\n')).toEqual([0, 0, 0, 0]);
    const store = createSqliteStore(dir);
    for (const w of writers) {
      expect(w.acked).toHaveLength(150);
      for (const i of w.acked) expect(await store.getLang(i)).toBe(LANGS[i % LANGS.length]);
    }
    expect((await store.replyCounts()).unanswered).toBe(600);
    store.close();
  }, 30_000);
});

describe('a damaged or unreadable database', () => {
  const garbage = Buffer.from(
    'This is not an SQLite database, but the notes someone saved here. '.repeat(64),
  );

  it('is refused with a clear error naming the file, and left byte for byte as it was', () => {
    const dir = fresh();
    const path = join(dir, DEFAULT_DATABASE_FILE);
    writeFileSync(path, garbage);
    expect(() => createSqliteStore(dir)).toThrow(StoreError);
    expect(() => createSqliteStore(dir)).toThrow(`Cannot open the database ${path}: file is not a database`);
    expect(readFileSync(path).equals(garbage)).toBe(true);
    expect(readdirSync(dir)).toEqual([DEFAULT_DATABASE_FILE]);
  });

  it('refuses a database whose pages are damaged, without "repairing" it', async () => {
    const dir = fresh();
    const store = createSqliteStore(dir);
    for (let i = 0; i < 3000; i++)
      await store.logUnanswered({
        text: `q${i} ${'x'.repeat(80)}`,
        lang: 'en',
        score: 0.1,
        kind: 'notFound',
        at: i,
      });
    store.close();
    const path = join(dir, DEFAULT_DATABASE_FILE);
    const image = readFileSync(path);
    image.fill(0x5a, 8192, 8192 * 4);
    writeFileSync(path, image);
    expect(() => createSqliteStore(dir)).toThrow(/integrity check failed.*left untouched/s);
    expect(readFileSync(path).equals(image)).toBe(true);
  });

  it('reports a database path it cannot open, and a DATA_DIR that is not a folder', () => {
    const dir = fresh();
    mkdirSync(join(dir, DEFAULT_DATABASE_FILE));
    expect(() => createSqliteStore(dir)).toThrow(/Cannot open the database .*unable to open database file/);
    const file = join(dir, 'not-a-folder');
    writeFileSync(file, 'x');
    expect(() => createSqliteStore(file)).toThrow(/Cannot use DATA_DIR ".*not-a-folder" for the database/);
  });

  it('stops the bot at start with one line naming the file, and the file is not overwritten', async () => {
    const dir = fresh();
    const path = join(dir, DEFAULT_DATABASE_FILE);
    writeFileSync(path, garbage);
    const bot = spawnBot(
      { BOT_TOKEN: '4321:state-SECRET', TELEGRAM_API_ROOT: 'http://127.0.0.1:9', DATA_DIR: dir },
      dir,
    );
    expect(await bot.exited).toBe(1);
    expect(bot.output.trim()).toBe(
      `The bot could not run: Cannot open the database ${path}: file is not a database. It was left untouched: restore it from a backup, or move it away to start with an empty one.`,
    );
    expect(readFileSync(path).equals(garbage)).toBe(true);
    expect(bot.output).not.toContain('state-SECRET');
  });
});

describe('concurrent language changes for the same user', () => {
  it('are applied in the order they were made, and none is lost', async () => {
    const dir = fresh();
    const store = createSqliteStore(dir);
    // Telegram answers button presses slower than messages: handled all at once, the confirmations of
    // later changes would overtake the earlier ones.
    const h = createHarness({
      store,
      feedback: store,
      latencyMs: (method) => (method === 'answerCallbackQuery' ? 40 : 5),
    });
    const dispatcher = createDispatcher((update) => h.bot.handleUpdate(update), pino({ level: 'silent' }));
    const user = { id: 4242, language_code: 'en' };
    const changes = ['/lang ru', 'l:zh', '/lang en', '/start lang_ru', 'l:en', '/lang zh'];
    let id = 1;
    const updates = changes.map(
      (change) =>
        ({
          update_id: id++,
          ...(change.startsWith('/') ? textMessage(change, user) : buttonPress(change, user)),
        }) as Update,
    );
    // All at once, as a batch from Telegram would come.
    const outcomes = await Promise.all(updates.map((u) => dispatcher.dispatch(u)));
    expect(outcomes.every((o) => o === 'handled')).toBe(true);
    expect(await store.getLang(user.id)).toBe('zh');
    // Each change was confirmed in its own language, in order (the button ones by a toast and an edit).
    expect(h.toasts()).toEqual([tr('zh', 'language.changed'), tr('en', 'language.changed')]);
    expect(h.seen().map((m) => m.text)).toEqual([
      tr('ru', 'language.changed'),
      tr('zh', 'language.changed'),
      tr('en', 'language.changed'),
      tr('ru', 'start.welcome'),
      tr('en', 'language.changed'),
      tr('zh', 'language.changed'),
    ]);
    store.close();
  });
});
