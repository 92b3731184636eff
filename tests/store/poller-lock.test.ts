import { spawn } from 'node:child_process';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { pino } from 'pino';
import { createClient } from 'redis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { StoreUnavailableError } from '../../src/store/errors.js';
import { lockDataDir, StoreLockedError } from '../../src/store/poller-lock.js';
import { createRedisStore, isUnreachable, REDIS_SCHEMA_VERSION } from '../../src/store/redis.js';
import { openStore } from '../../src/store/store.js';
import { describeWithRedis, RedisServer } from '../support/redis-server.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('lock-');
const silent = pino({ level: 'silent' });
const root = fileURLToPath(new URL('../..', import.meta.url));
const TSX_LOADER = join(root, 'node_modules', 'tsx', 'dist', 'loader.mjs');

function lockedError(take: () => unknown): StoreLockedError {
  try {
    take();
  } catch (error) {
    expect(error).toBeInstanceOf(StoreLockedError);
    return error as StoreLockedError;
  }
  throw new Error('expected a StoreLockedError');
}

describe('poller lock on DATA_DIR (SQLite)', () => {
  it('refuses a second holder, naming the first (pid, host, since), until it is released', () => {
    const dir = tempDir();
    const first = lockDataDir(dir, { pid: 4321, host: 'box-a', since: '2026-01-02T03:04:05.000Z' });
    const error = lockedError(() => lockDataDir(dir));
    expect(error.message).toBe(
      `DATA_DIR ${dir} is in use by another polling bot (pid 4321 on host box-a, since 2026-01-02T03:04:05.000Z): stop it first, or give this one another DATA_DIR.`,
    );
    first.release();
    lockDataDir(dir).release();
  });

  it('is held by a polling store and given back by close(); webhook stores share the folder', async () => {
    const dataDir = tempDir();
    const polling = await openStore({ dataDir, mode: { kind: 'polling' } }, silent);
    await expect(openStore({ dataDir, mode: { kind: 'polling' } }, silent)).rejects.toThrow(
      new RegExp(`in use by another polling bot \\(pid ${process.pid} on host ${hostname()}`),
    );
    const webhook = await openStore({ dataDir, mode: { kind: 'webhook' } }, silent);
    await webhook.close();
    await polling.close();
    await (await openStore({ dataDir, mode: { kind: 'polling' } }, silent)).close();
  });

  it('dies with its holder: a process killed with SIGKILL leaves no stale lock', async () => {
    const dir = tempDir();
    const child = spawn(
      process.execPath,
      ['--import', TSX_LOADER, join(root, 'tests/store/lock-holder.ts'), dir],
      {
        stdio: ['ignore', 'pipe', 'inherit'],
      },
    );
    await new Promise<void>((resolve, reject) => {
      child.stdout?.on('data', (data: Buffer) => data.toString().includes('locked') && resolve());
      child.once('exit', (code) => reject(new Error(`holder exited early (${code})`)));
    });
    expect(lockedError(() => lockDataDir(dir)).message).toContain(`pid ${child.pid} on host`);
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGKILL');
    await exited;
    lockDataDir(dir).release();
  });
});

describe('Redis errors by cause', () => {
  it('only connection failures count as "store unreachable"; a bad argument is a bug', () => {
    expect(isUnreachable(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }))).toBe(
      true,
    );
    expect(isUnreachable(new TypeError('Invalid argument type'))).toBe(false);
    expect(isUnreachable(new Error('something else'))).toBe(false);
  });
});

describeWithRedis('redis: poller lease and schema version', () => {
  let server: RedisServer;
  beforeAll(async () => {
    server = await RedisServer.start();
  });
  afterAll(async () => {
    await server?.dispose();
  });

  it('a second polling bot on the same Redis is refused, naming the first; close() gives the lease back', async () => {
    const prefix = `lease${Date.now()}:`;
    const first = await createRedisStore(server.url, { prefix, pollerLease: true });
    const second = createRedisStore(server.url, { prefix, pollerLease: true });
    await expect(second).rejects.toBeInstanceOf(StoreLockedError);
    await expect(second).rejects.toThrow(
      new RegExp(
        `^The store at redis://127\\.0\\.0\\.1:\\d+ is in use by another polling bot \\(pid ${process.pid} on host`,
      ),
    );
    // Webhook instances do not take the lease.
    await (await createRedisStore(server.url, { prefix })).close();
    await first.close();
    await (await createRedisStore(server.url, { prefix, pollerLease: true })).close();
  });

  it('refuses a state stamped with a newer schema version, and stamps a new one', async () => {
    const prefix = `schema${Date.now()}:`;
    const raw = createClient({ url: server.url });
    await raw.connect();
    try {
      await (await createRedisStore(server.url, { prefix })).close();
      expect(await raw.get(`${prefix}schema`)).toBe(String(REDIS_SCHEMA_VERSION));
      await raw.set(`${prefix}schema`, '99');
      await expect(createRedisStore(server.url, { prefix })).rejects.toThrow(
        /has schema version 99, newer than this bot's 1/,
      );
    } finally {
      await raw.close();
    }
  });

  it('a command that fails on a bad value is an error, not an outage', async () => {
    const store = await createRedisStore(server.url, { prefix: `bad${Date.now()}:` });
    try {
      const failure = await store.setContext(1, undefined as unknown as string).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeDefined();
      expect(failure).not.toBeInstanceOf(StoreUnavailableError);
    } finally {
      await store.close();
    }
  });
});
