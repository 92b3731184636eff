import { afterEach, describe, expect, it } from 'vitest';
import type { PendingAlternate, Signal } from '../../src/store/signals.js';
import type { Store } from '../../src/store/store.js';
import type { ContractSubject } from './contract.js';

const asked = (user: string, at: number, text: string, extra: Partial<Signal> = {}): Signal =>
  ({
    type: 'question',
    user,
    at,
    text,
    lang: 'en',
    outcome: 'suggestions',
    entryId: null,
    score: 0.4,
    candidates: [{ id: 'forum-venue', score: 0.4 }],
    ...extra,
  }) as Signal;

/**
 * What kb:suggest and /review rely on from every store (memory, SQLite, Redis): signals in time order,
 * shared by instances, pruned by age; pending alternates and decisions kept once each.
 */
export function signalsContract(name: string, subject: ContractSubject): void {
  const opened: Store[] = [];
  const open = async () => {
    const store = await subject.open();
    opened.push(store);
    return store;
  };
  const shared = subject.reopen ? it : it.skip;
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  describe(`${name}: traffic signals`, () => {
    it('keeps questions, presses and votes in time order, with what the bot did', async () => {
      const store = await open();
      await store.recordSignal({ type: 'press', user: 'u1', at: 2000, entryId: 'forum-venue' });
      await store.recordSignal(asked('u1', 1000, 'where was it held?'));
      await store.recordSignal({ type: 'vote', user: 'u2', at: 3000, entryId: 'forum-date', vote: 'down' });
      await store.recordSignal(asked('u2', 3000, 'x'.repeat(900), { outcome: 'refuse', candidates: [] }));
      const signals = await store.signals();
      expect(signals.map((s) => s.type)).toEqual([
        'question',
        'press',
        expect.any(String),
        expect.any(String),
      ]);
      expect(signals[0]).toEqual(asked('u1', 1000, 'where was it held?'));
      expect(signals[1]).toEqual({ type: 'press', user: 'u1', at: 2000, entryId: 'forum-venue' });
      const long = signals.find((s) => s.type === 'question' && s.user === 'u2');
      expect(long?.type === 'question' && long.text.length).toBe(500);
    });

    it('prunes signals older than the retention cut-off', async () => {
      const store = await open();
      await store.recordSignal(asked('u1', 1000, 'old'));
      await store.recordSignal(asked('u1', 5000, 'new'));
      expect(await store.pruneSignals(2000)).toBe(1);
      expect((await store.signals()).map((s) => s.type === 'question' && s.text)).toEqual(['new']);
    });

    it('keeps each pending alternate once, until removed, and the last decision per group', async () => {
      const store = await open();
      const a: PendingAlternate = {
        entryId: 'forum-venue',
        lang: 'en',
        question: 'where was it held?',
        group: 'abc123',
        at: 1,
      };
      await store.addPendingAlternates([a, { ...a, at: 2 }, { ...a, lang: 'ru', question: 'где?', at: 3 }]);
      expect((await store.pendingAlternates()).map((p) => p.lang)).toEqual(['en', 'ru']);
      await store.removePendingAlternates([a]);
      expect((await store.pendingAlternates()).map((p) => p.question)).toEqual(['где?']);
      await store.decide({ group: 'abc123', decision: 'rejected', at: 1 });
      await store.decide({ group: 'abc123', decision: 'accepted', entryId: 'forum-venue', at: 2 });
      expect(await store.decisions()).toEqual([
        { group: 'abc123', decision: 'accepted', entryId: 'forum-venue', at: 2 },
      ]);
    });

    shared('shares signals and pending alternates with another instance or after a restart', async () => {
      const store = await open();
      await store.recordSignal(asked('u1', 1000, 'where was it held?'));
      await store.addPendingAlternates([
        { entryId: 'forum-venue', lang: 'en', question: 'venue?', group: 'g', at: 1 },
      ]);
      if (!subject.reopen) return;
      const other = await subject.reopen();
      opened.push(other);
      expect(await other.signals()).toHaveLength(1);
      expect(await other.pendingAlternates()).toHaveLength(1);
    });
  });
}
