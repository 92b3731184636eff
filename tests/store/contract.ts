import { afterEach, describe, expect, it } from 'vitest';
import { MAX_LOGGED_TEXT_LENGTH, type UnansweredQuestion } from '../../src/store/feedback.js';
import type { Store } from '../../src/store/store.js';

/** How a contract run opens its store. */
export interface ContractSubject {
  /** A fresh, empty store (maxUnanswered: the capped log's size, where the implementation takes one). */
  open(options?: { maxUnanswered?: number }): Promise<Store>;
  /**
   * Another handle on the data of the store opened last: a restart, or a second instance. Absent where the
   * data lives in one object only (memory).
   */
  reopen?(): Promise<Store>;
}

export const question = (
  text: string,
  at: number,
  extra: Partial<UnansweredQuestion> = {},
): UnansweredQuestion => ({ text, lang: 'en', score: 0.2, kind: 'notFound', at, ...extra });

const byId = (a: { entryId: string }, b: { entryId: string }) => a.entryId.localeCompare(b.entryId);

/**
 * The behaviour every store implementation shares (memory, SQLite, Redis): the bot relies on exactly this,
 * whichever STORE_URL / DATA_DIR selects.
 */
export function storeContract(name: string, subject: ContractSubject): void {
  const opened: Store[] = [];
  const open = async (options?: { maxUnanswered?: number }) => {
    const store = await subject.open(options);
    opened.push(store);
    return store;
  };
  const reopen = async () => {
    if (!subject.reopen) throw new Error('no reopen');
    const store = await subject.reopen();
    opened.push(store);
    return store;
  };
  const shared = subject.reopen ? it : it.skip;
  afterEach(async () => {
    for (const store of opened.splice(0)) await store.close();
  });

  describe(`${name}: store contract`, () => {
    it('answers ping', async () => {
      await expect((await open()).ping()).resolves.toBeUndefined();
    });

    it('remembers each user’s language, the last choice winning, for ids beyond 32 bits', async () => {
      const store = await open();
      expect(await store.getLang(42)).toBeUndefined();
      await store.setLang(42, 'ru');
      await store.setLang(7_654_321_098, 'zh');
      await store.setLang(42, 'en');
      expect(await store.getLang(42)).toBe('en');
      expect(await store.getLang(7_654_321_098)).toBe('zh');
      expect(await store.getLang(7_654_321_099)).toBeUndefined();
    });

    it('remembers the entry each user was answered last, for follow-ups', async () => {
      const store = await open();
      expect(await store.getContext(7)).toBeUndefined();
      await store.setContext(7, 'forum-date');
      await store.setContext(7, 'forum-venue');
      await store.setContext(8, 'speakers-overview');
      expect(await store.getContext(7)).toBe('forum-venue');
      expect(await store.getContext(8)).toBe('speakers-overview');
      expect(await store.getContext(9)).toBeUndefined();
    });

    it('keeps unanswered questions in order, with language, score, kind and time', async () => {
      const store = await open();
      await store.logUnanswered(question('opening hours?', 1000));
      await store.logUnanswered(
        question('часы работы', 2000, { lang: 'ru', score: null, kind: 'suggestions' }),
      );
      await store.logUnanswered(question('?!', 3000, { lang: null, score: null }));
      expect(await store.unanswered()).toEqual([
        question('opening hours?', 1000),
        question('часы работы', 2000, { lang: 'ru', score: null, kind: 'suggestions' }),
        question('?!', 3000, { lang: null, score: null }),
      ]);
    });

    it(`cuts a logged question to ${MAX_LOGGED_TEXT_LENGTH} characters`, async () => {
      const store = await open();
      await store.logUnanswered(question(`  ${'论'.repeat(2000)}  `, 1));
      expect((await store.unanswered())[0]?.text).toBe('论'.repeat(MAX_LOGGED_TEXT_LENGTH));
    });

    it('keeps only the newest questions beyond its limit, and counts every one', async () => {
      const store = await open({ maxUnanswered: 3 });
      await store.countAnswered();
      await store.countAnswered();
      for (let i = 1; i <= 5; i++) await store.logUnanswered(question(`q${i}`, i));
      const kept = (await store.unanswered()).map((q) => q.text);
      // The memory store keeps every question; the persistent ones cap the log.
      expect(kept.slice(-3)).toEqual(['q3', 'q4', 'q5']);
      expect(await store.replyCounts()).toEqual({ answered: 2, unanswered: 5 });
    });

    it('counts 👍 and 👎 per entry', async () => {
      const store = await open();
      expect(await store.votes()).toEqual([]);
      await store.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'en', at: 1 });
      await store.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'ru', at: 2 });
      await store.recordVote({ entryId: 'forum-date', vote: 'down', lang: 'zh', at: 3 });
      await store.recordVote({ entryId: 'forum-venue', vote: 'down', lang: 'en', at: 4 });
      expect((await store.votes()).sort(byId)).toEqual([
        { entryId: 'forum-date', up: 2, down: 1 },
        { entryId: 'forum-venue', up: 0, down: 1 },
      ]);
    });

    it('counts one vote per message', async () => {
      const store = await open();
      const vote = { entryId: 'forum-date', vote: 'up' as const, lang: 'en' as const, at: 1 };
      expect(await store.recordVote(vote, '5:100')).toBe(true);
      expect(await store.recordVote({ ...vote, vote: 'down' }, '5:100')).toBe(false);
      expect(await store.recordVote(vote, '5:101')).toBe(true);
      expect(await store.votes()).toEqual([{ entryId: 'forum-date', up: 2, down: 0 }]);
    });

    it('remembers handled updates until Telegram has confirmed them, within a day', async () => {
      const store = await open();
      for (const id of [105, 101, 103]) await store.markUpdateHandled(id);
      expect((await store.handledUpdates()).sort()).toEqual([101, 103, 105]);
      expect(await store.handledUpdates(-1)).toEqual([]);
      await store.forgetUpdatesBelow(104);
      expect(await store.handledUpdates()).toEqual([105]);
    });

    it('claims an update once: busy while handled, done once completed, free again if released', async () => {
      const store = await open();
      expect(await store.claimUpdate(900)).toBe('claimed');
      expect(await store.claimUpdate(900)).toBe('busy');
      await store.completeUpdate(900);
      expect(await store.claimUpdate(900)).toBe('done');
      expect(await store.claimUpdate(901)).toBe('claimed');
      await store.releaseUpdate(901);
      expect(await store.claimUpdate(901)).toBe('claimed');
      // Releasing a finished update changes nothing.
      await store.releaseUpdate(900);
      expect(await store.claimUpdate(900)).toBe('done');
    });

    it('lets exactly one of many concurrent claims win', async () => {
      const store = await open();
      const states = await Promise.all(Array.from({ length: 20 }, () => store.claimUpdate(77)));
      expect(states.filter((s) => s === 'claimed')).toHaveLength(1);
      expect(states.filter((s) => s === 'busy')).toHaveLength(19);
    });

    it('keeps owed calls in the order they were owed, with their retries, until removed', async () => {
      const store = await open();
      expect(await store.owedCalls()).toEqual([]);
      expect(await store.outboxSummary()).toEqual({ depth: 0, oldestAt: undefined });
      const payload = { chat_id: 42, text: '<b>论坛</b> форум', reply_markup: { inline_keyboard: [] } };
      const first = await store.addOwedCall({ chat: '42', method: 'sendMessage', payload, createdAt: 1000 });
      const second = await store.addOwedCall({
        chat: '-100',
        method: 'sendVenue',
        payload: { chat_id: -100, latitude: 55.7 },
        createdAt: 2000,
      });
      const third = await store.addOwedCall({ chat: '42', method: 'sendMessage', payload, createdAt: 3000 });
      expect(first.id).toBeLessThan(second.id);
      expect(second.id).toBeLessThan(third.id);
      expect(first).toMatchObject({ attempts: 0, notBefore: 0 });
      await store.retryOwedCallLater(first.id, 2, 9000);
      expect(await store.owedCalls()).toEqual([{ ...first, attempts: 2, notBefore: 9000 }, second, third]);
      expect(await store.owedCalls(1)).toHaveLength(1);
      expect(await store.outboxSummary()).toEqual({ depth: 3, oldestAt: 1000 });
      await store.removeOwedCall(first.id);
      await store.removeOwedCall(first.id);
      expect((await store.owedCalls()).map((c) => c.id)).toEqual([second.id, third.id]);
      expect(await store.outboxSummary()).toEqual({ depth: 2, oldestAt: 2000 });
      // Ids keep growing after removals: a new call never sorts before an older one.
      const fourth = await store.addOwedCall({ chat: '42', method: 'sendMessage', payload, createdAt: 4000 });
      expect(fourth.id).toBeGreaterThan(third.id);
    });

    it('lets one holder at a time hold the outbox lease, and another take it once it expired', async () => {
      const store = await open();
      expect(await store.holdOutboxLease('a', 200)).toBe(true);
      expect(await store.holdOutboxLease('b', 200)).toBe(false);
      expect(await store.holdOutboxLease('a', 200)).toBe(true);
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(await store.holdOutboxLease('b', 200)).toBe(true);
      expect(await store.holdOutboxLease('a', 200)).toBe(false);
    });

    shared('keeps owed calls across a restart, and one lease for two instances', async () => {
      const first = await open();
      const owed = await first.addOwedCall({
        chat: '7',
        method: 'sendMessage',
        payload: { chat_id: 7, text: 'owed' },
        createdAt: 5,
      });
      await first.retryOwedCallLater(owed.id, 1, 6);
      expect(await first.holdOutboxLease('first', 10_000)).toBe(true);
      const second = await reopen();
      expect(await second.owedCalls()).toEqual([{ ...owed, attempts: 1, notBefore: 6 }]);
      expect(await second.holdOutboxLease('second', 10_000)).toBe(false);
      await second.removeOwedCall(owed.id);
      expect(await first.owedCalls()).toEqual([]);
    });

    shared(
      'shares everything with another handle on the same data (a restart, or another instance)',
      async () => {
        const first = await open();
        await first.setLang(42, 'ru');
        await first.setContext(42, 'forum-venue');
        await first.logUnanswered(question('library card', 10));
        await first.countAnswered();
        await first.recordVote({ entryId: 'forum-date', vote: 'down', lang: 'en', at: 11 }, '1:2');
        await first.markUpdateHandled(500);
        expect(await first.claimUpdate(600)).toBe('claimed');
        await first.completeUpdate(600);
        expect(await first.claimUpdate(601)).toBe('claimed');

        const second = await reopen();
        expect(await second.getLang(42)).toBe('ru');
        expect(await second.getContext(42)).toBe('forum-venue');
        expect(await second.unanswered()).toEqual([question('library card', 10)]);
        expect(await second.replyCounts()).toEqual({ answered: 1, unanswered: 1 });
        expect(
          await second.recordVote({ entryId: 'forum-date', vote: 'up', lang: 'en', at: 12 }, '1:2'),
        ).toBe(false);
        expect(await second.votes()).toEqual([{ entryId: 'forum-date', up: 0, down: 1 }]);
        expect(await second.handledUpdates()).toEqual([500]);
        expect(await second.claimUpdate(600)).toBe('done');
        expect(await second.claimUpdate(601)).toBe('busy');
        // Only the instance holding a claim can give it back.
        await second.releaseUpdate(601);
        expect(await first.claimUpdate(601)).toBe('busy');
      },
    );

    shared('lets exactly one of two instances claim an update both received', async () => {
      const a = await open();
      const b = await reopen();
      const ids = Array.from({ length: 50 }, (_, i) => 1000 + i);
      const states = await Promise.all(ids.flatMap((id) => [a.claimUpdate(id), b.claimUpdate(id)]));
      for (let i = 0; i < ids.length; i++) {
        expect([states[2 * i], states[2 * i + 1]].sort()).toEqual(['busy', 'claimed']);
      }
    });
  });
}
