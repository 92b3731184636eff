import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { createClient } from 'redis';
import { afterAll, afterEach, beforeAll, expect, it } from 'vitest';
import type { UnansweredReport } from '../../src/cli/kb-unanswered.js';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { CONTEXT_TTL_MS } from '../../src/store/preferences.js';
import { createRedisStore, DEFAULT_KEY_PREFIX, openRedisFeedbackReader } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { describeWithRedis, freeTcpPort, RedisServer } from '../support/redis-server.js';
import { question } from './contract.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Waits until `check` resolves (polling), or fails after `timeoutMs`. */
async function eventually(check: () => Promise<unknown>, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await check();
      return;
    } catch (error) {
      if (Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}

/** How long a promise takes to settle, and whether it rejected with StoreUnavailableError. */
async function timed(promise: Promise<unknown>): Promise<{ ms: number; unavailable: boolean }> {
  const start = Date.now();
  const unavailable = await promise.then(
    () => false,
    (error: unknown) => error instanceof StoreUnavailableError,
  );
  return { ms: Date.now() - start, unavailable };
}

describeWithRedis('redis: outages, keys and the curators’ CLI', () => {
  let server: RedisServer;
  const stores: Store[] = [];
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterEach(async () => {
    for (const store of stores.splice(0)) await store.close();
    if (!server.running) await server.resume();
  });
  afterAll(async () => {
    await server?.dispose();
  });
  const open = async (url = server.url, prefix = `t${stores.length}:${Date.now()}:`) => {
    const store = await createRedisStore(url, { prefix });
    stores.push(store);
    return store;
  };

  it('redis: fails fast while Redis is down, recovers by itself, and keeps every acknowledged write', async () => {
    const store = await open();
    for (let user = 1; user <= 50; user++) await store.setLang(user, user % 2 ? 'ru' : 'zh');
    await server.stop('SIGKILL');

    for (const call of [store.getLang(1), store.setLang(1, 'en'), store.claimUpdate(1), store.ping()]) {
      const { ms, unavailable } = await timed(call);
      expect(unavailable).toBe(true);
      // Rejected instead of queued until Redis returns (which it does not, within this loop). The bound
      // is loose on purpose: it tells "fails" from "waits", it does not measure speed.
      expect(ms).toBeLessThan(5000);
    }

    await server.resume();
    await eventually(() => store.ping());
    for (let user = 1; user <= 50; user++) expect(await store.getLang(user)).toBe(user % 2 ? 'ru' : 'zh');
  }, 40_000);

  it('redis: starts while Redis is not there yet, and connects once it is', async () => {
    const late = await RedisServer.start();
    const url = late.url;
    try {
      await late.stop();
      const store = await open(url);
      expect((await timed(store.ping())).unavailable).toBe(true);
      await late.resume();
      await eventually(() => store.ping());
      await store.setLang(5, 'zh');
      expect(await store.getLang(5)).toBe('zh');
    } finally {
      await late.dispose();
    }
  }, 40_000);

  it('redis: namespaces its keys, lets the follow-up context expire after 30 minutes, caps the log', async () => {
    const prefix = `ns${Date.now()}:`;
    const store = await createRedisStore(server.url, { prefix, maxUnanswered: 3 });
    stores.push(store);
    await store.setLang(1, 'ru');
    await store.setContext(1, 'forum-date');
    for (let i = 0; i < 5; i++) await store.logUnanswered(question(`q${i}`, i));
    await store.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'en', at: 1 }, '1:1');
    expect(await store.claimUpdate(9)).toBe('claimed');

    const raw = createClient({ url: server.url });
    await raw.connect();
    try {
      const keys = await raw.keys(`${prefix}*`);
      expect(keys.sort()).toEqual(
        ['context:1', 'counters', 'lang', 'schema', 'unanswered', 'update:9', 'voted:1:1', 'votes'].map(
          (k) => prefix + k,
        ),
      );
      const ttl = await raw.pTTL(`${prefix}context:1`);
      expect(ttl).toBeGreaterThan(CONTEXT_TTL_MS - 60_000);
      expect(ttl).toBeLessThanOrEqual(CONTEXT_TTL_MS);
      expect(await raw.lLen(`${prefix}unanswered`)).toBe(3);
      expect(await raw.hGet(`${prefix}lang`, '1')).toBe('ru');
    } finally {
      await raw.close();
    }
  });

  it('redis: kb:unanswered reads the feedback from STORE_URL, and says so clearly when Redis is down', async () => {
    const store = await open(server.url, DEFAULT_KEY_PREFIX);
    await store.logUnanswered(question('opening hours?', Date.UTC(2025, 7, 20)));
    await store.logUnanswered(question('Opening hours', Date.UTC(2025, 7, 21)));
    await store.recordVote({ entryId: 'forum-venue', vote: 'down', lang: 'en', at: 1 });
    const cli = (url: string) =>
      spawnSync(process.execPath, ['dist/bin/kb-unanswered.js', '--json'], {
        cwd: root,
        encoding: 'utf8',
        env: { ...process.env, DATA_DIR: '', STORE_URL: url },
      });
    const run = cli(server.url);
    expect(run.stderr).toBe('');
    const report = JSON.parse(run.stdout) as UnansweredReport;
    expect(report.database).toBe(server.url);
    expect(report.unanswered.total).toBe(2);
    expect(report.unanswered.groups.map((g) => [g.text, g.count])).toEqual([['Opening hours', 2]]);
    expect(report.votes).toEqual([{ entryId: 'forum-venue', up: 0, down: 1 }]);

    const nobody = `redis://:hunter2-secret@127.0.0.1:${await freeTcpPort()}`;
    const down = cli(nobody);
    expect(down.status).toBe(1);
    // --json: the error is JSON on standard output too.
    const error = (JSON.parse(down.stdout) as { error: string }).error;
    expect(error).toMatch(/^Cannot read redis:\/\/127\.0\.0\.1:\d+: The store at .* cannot be reached/);
    expect(down.stdout + down.stderr).not.toContain('hunter2');
    await expect(openRedisFeedbackReader(nobody)).rejects.toThrow(StoreUnavailableError);
  });
});
