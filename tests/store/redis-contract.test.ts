import { randomUUID } from 'node:crypto';
import { createRedisStore } from '../../src/store/redis.js';
import { describeWithRedis, useRedis } from '../support/redis-server.js';
import { type ContractSubject, storeContract } from './contract.js';
import { signalsContract } from './signals-contract.js';

describeWithRedis('redis: the shared store', () => {
  // The server .ci/run started (REDIS_TEST_URL), else one of our own; each store gets a prefix of its own.
  const redisUrl = useRedis();
  let prefix = '';

  const redis: ContractSubject = {
    async open(options) {
      prefix = `test:${randomUUID()}:`;
      return createRedisStore(redisUrl(), { prefix, ...options });
    },
    // Another client on the same keys: a second instance, or this one after a restart.
    async reopen() {
      return createRedisStore(redisUrl(), { prefix });
    },
  };
  storeContract('Redis', redis);
  signalsContract('Redis', redis);
});
