import { type ChildProcess, spawn } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';

/** The redis-server executable on PATH (or in the usual Debian places), if any. */
export function findRedisServer(): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/sbin', '/usr/local/bin'];
  for (const dir of dirs.filter(Boolean)) {
    const candidate = join(dir, 'redis-server');
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

const MISSING =
  'redis-server is not installed (Debian: apt-get install redis-server; `bash .ci/run` installs it)';

/**
 * `describe` for tests that need a local redis-server. Without one they are skipped with a visible
 * message, except on CI (CI set), where a missing redis-server is a failure: CI must run them.
 */
export function describeWithRedis(name: string, body: () => void): void {
  if (findRedisServer()) {
    describe(name, body);
  } else if (process.env.CI) {
    describe(name, () => {
      it('needs redis-server', () => {
        throw new Error(`${MISSING}; CI must run the Redis tests`);
      });
    });
  } else {
    console.warn(`\n⚠ Skipping "${name}": ${MISSING}.\n`);
    describe.skip(name, body);
  }
}

/** A free TCP port on 127.0.0.1. */
export async function freeTcpPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * A redis-server of the test's own on 127.0.0.1, with its own folder and an append-only file fsynced on
 * every write (a write Redis acknowledged survives a stop, even kill -9). It can be stopped and started
 * again on the same port with the same data.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private output = '';

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly binary: string,
    private readonly password: string | undefined,
  ) {}

  /** Starts a server on a free port; with `password`, clients must authenticate (requirepass). */
  static async start(options: { password?: string } = {}): Promise<RedisServer> {
    const binary = findRedisServer();
    if (!binary) throw new Error(MISSING);
    const dir = mkdtempSync(join(tmpdir(), 'forum-bot-redis-'));
    const server = new RedisServer(await freeTcpPort(), dir, binary, options.password);
    await server.resume();
    return server;
  }

  /** redis://[:password@]127.0.0.1:<port> */
  get url(): string {
    const auth = this.password ? `:${encodeURIComponent(this.password)}@` : '';
    return `redis://${auth}127.0.0.1:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null;
  }

  /** Starts the server again (after stop), with the data it had; resolves once it accepts connections. */
  async resume(): Promise<void> {
    const args = ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes'];
    args.push('--appendfsync', 'always', '--dir', this.dir, '--protected-mode', 'no');
    if (this.password) args.push('--requirepass', this.password);
    const child = spawn(this.binary, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    this.output = '';
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`redis-server did not start:\n${this.output}`)),
        10_000,
      );
      const onData = (data: Buffer) => {
        this.output += data.toString('utf8');
        if (this.output.includes('Ready to accept connections')) {
          clearTimeout(timer);
          resolve();
        }
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`redis-server exited (${code}):\n${this.output}`));
      });
    });
  }

  /** Stops the server (SIGTERM, or SIGKILL for a crash); resolves once it has exited. */
  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  }

  /** Stops the server for good and removes its folder. */
  async dispose(): Promise<void> {
    await this.stop('SIGKILL');
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * The Redis a suite runs against: REDIS_TEST_URL when CI gives one, else a server of its own, started before
 * the suite and stopped after it. Call it inside the suite's describe; the function gives the URL in tests.
 */
export function useRedis(): () => string {
  let server: RedisServer | undefined;
  let url = process.env.REDIS_TEST_URL ?? '';
  beforeAll(async () => {
    if (!url) {
      server = await RedisServer.start();
      url = server.url;
    }
  });
  afterAll(async () => {
    await server?.dispose();
  });
  return () => url;
}
