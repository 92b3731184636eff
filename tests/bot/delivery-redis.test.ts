import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { createDelivery } from '../../src/bot/delivery.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Store } from '../../src/store/store.js';
import { capturedLogger } from '../support/logger.js';
import { describeWithRedis, useRedis } from '../support/redis-server.js';

describeWithRedis('the outbox sender on a shared Redis', () => {
  const redisUrl = useRedis();

  it('three instances owe replies; one sends them all (the lease holder), each once, in order per chat', async () => {
    const prefix = `test:${randomUUID()}:`;
    const stores: Store[] = await Promise.all([1, 2, 3].map(() => createRedisStore(redisUrl(), { prefix })));
    const sent: Array<{ chat: unknown; text: string }> = [];
    const senders = new Set<number>();
    const options = { handOverMs: 200, scanIntervalMs: 50, leaseMs: 2000 };
    const deliveries = stores.map((store, i) =>
      createDelivery({
        store,
        call: async (_method, payload) => {
          senders.add(i);
          sent.push({ chat: payload.chat_id, text: String(payload.text) });
          return true;
        },
        logger: capturedLogger().logger,
        options,
      }),
    );
    try {
      for (const delivery of deliveries) await delivery.start();
      for (let k = 0; k < 5; k++) {
        await Promise.all(
          deliveries.map((delivery, i) => delivery.owe('sendMessage', { chat_id: 1, text: `${k}:${i}` })),
        );
      }
      const deadline = Date.now() + 5000;
      while (sent.length < 15 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(senders.size).toBe(1);
      expect(sent).toHaveLength(15);
      // One chat: its replies go out in the order they were owed.
      expect(sent.map((m) => m.text)).toEqual(
        [0, 1, 2, 3, 4].flatMap((k) => [0, 1, 2].map((i) => `${k}:${i}`)),
      );
      expect((await stores[0]?.outboxSummary())?.depth).toBe(0);
    } finally {
      for (const delivery of deliveries) await delivery.stop(100);
      for (const store of stores) await store.close();
    }
  });
});
