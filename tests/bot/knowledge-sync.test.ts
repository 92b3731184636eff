import { describe, expect, it, vi } from 'vitest';
import { createKnowledgeSync } from '../../src/bot/knowledge-sync.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/types.js';
import { createLiveEngine } from '../../src/knowledge/live.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { capturedLogger } from '../support/logger.js';

const base = loadKnowledge();
/** An engine whose knowledge has a version of its own (one entry's answer changed). */
function variant(tag: string): Engine {
  const entries = base.entries.map((e) =>
    e.id === 'forum-date' ? { ...e, i18n: { ...e.i18n, en: { ...e.i18n.en, answer: tag } } } : e,
  );
  return createEngine({ ...base, entries, byId: new Map(entries.map((e) => [e.id, e])) });
}
const engines = { a: variant('a'), b: variant('b') };

/** One Redis key, as the instances share it. */
function sharedKey() {
  let value: string | undefined;
  return {
    readKnowledgeVersion: async () => value,
    publishKnowledgeVersion: async (next: string) => {
      value = next;
    },
  };
}

/** An instance whose build() returns whatever its files hold now (an engine, or an error). */
async function instance(store: ReturnType<typeof sharedKey>, files: { now: Engine | Error }) {
  const { logger, lines } = capturedLogger();
  const builds = { count: 0 };
  const live = await createLiveEngine({
    build: async () => {
      builds.count += 1;
      if (files.now instanceof Error) throw files.now;
      return files.now;
    },
  });
  const sync = createKnowledgeSync({ live, store, intervalMs: 20, logger, now: () => 0 });
  await sync.start();
  return { live, sync, lines, builds };
}

describe('createKnowledgeSync', () => {
  it('publishes a reload, and the other instance follows', async () => {
    const store = sharedKey();
    const files = { now: engines.a as Engine | Error };
    const one = await instance(store, files);
    const two = await instance(store, files);
    files.now = engines.b;

    const outcome = await one.sync.reload('SIGHUP');

    expect(outcome).toMatchObject({ ok: true, version: engines.b.knowledge.version });
    expect(await store.readKnowledgeVersion()).toBe(
      `${engines.b.knowledge.version} 1970-01-01T00:00:00.000Z`,
    );
    await vi.waitFor(() => expect(two.live.current()).toBe(engines.b), { timeout: 5000 });
    one.sync.stop();
    two.sync.stop();
    // The publisher does not reload again on seeing its own version.
    expect(one.builds.count).toBe(2);
  });

  it('publishes nothing when the reload is refused', async () => {
    const store = sharedKey();
    const files = { now: engines.a as Engine | Error };
    const one = await instance(store, files);
    files.now = new Error('entries/forum-date.json:4:3: not valid JSON: ...');
    expect(await one.sync.reload('/reload')).toEqual({ ok: false, error: files.now.message });
    expect(await store.readKnowledgeVersion()).toBeUndefined();
    one.sync.stop();
  });

  it('an instance whose files are broken keeps its engine and does not retry the same version', async () => {
    const store = sharedKey();
    const good = { now: engines.a as Engine | Error };
    const broken = { now: engines.a as Engine | Error };
    const one = await instance(store, good);
    const two = await instance(store, broken);
    good.now = engines.b;
    broken.now = new Error('cannot read');

    await one.sync.reload('SIGHUP');
    await vi.waitFor(() => expect(two.builds.count).toBe(2), { timeout: 5000 });
    // Several more checks go by without another build.
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(two.builds.count).toBe(2);
    expect(two.live.current()).toBe(engines.a);
    one.sync.stop();
    two.sync.stop();
  });

  it('skips the rebuild when this instance already serves the published content', async () => {
    const store = sharedKey();
    const files = { now: engines.a as Engine | Error };
    const one = await instance(store, files);
    const two = await instance(store, files);
    await one.sync.reload('SIGHUP');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(two.builds.count).toBe(1);
    one.sync.stop();
    two.sync.stop();
  });

  it('only reloads this instance without a shared store (SQLite)', async () => {
    const files = { now: engines.a as Engine | Error };
    const live = await createLiveEngine({ build: async () => files.now as Engine });
    const { logger } = capturedLogger();
    const sync = createKnowledgeSync({ live, store: {}, intervalMs: 20, logger });
    await sync.start();
    files.now = engines.b;
    expect(await sync.reload('SIGHUP')).toMatchObject({ ok: true, version: engines.b.knowledge.version });
    expect(live.current()).toBe(engines.b);
    sync.stop();
  });
});
