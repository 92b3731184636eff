import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll } from 'vitest';
import { createRedisStore } from '../../src/store/redis.js';
import { describeWithRedis, RedisServer } from '../support/redis-server.js';
import { type ContractSubject, storeContract } from './contract.js';
import { signalsContract } from './signals-contract.js';

describeWithRedis('redis: the shared store', () => {
  // The server .ci/run started (REDIS_TEST_URL), else one of our own; each store gets a prefix of its own.
  let server: RedisServer | undefined;
  let url = process.env.REDIS_TEST_URL ?? '';
  let prefix = '';
  beforeAll(async () => {
    if (!url) {
      server = await RedisServer.start();
      url = server.url;
    }
  });
  afterAll(async () => {
    await server?.dispose();
  });

  const redis: ContractSubject = {
    async open(options) {
      prefix = `test:${randomUUID()}:`;
      return createRedisStore(url, { prefix, ...options });
    },
    // Another client on the same keys: a second instance, or this one after a restart.
    async reopen() {
      return createRedisStore(url, { prefix });
    },
  };
  storeContract('Redis', redis);
  signalsContract('Redis', redis);
});
