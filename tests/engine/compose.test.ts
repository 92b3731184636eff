import { describe, expect, it } from 'vitest';
import { compose } from '../../src/engine/compose.js';
import type { Decision } from '../../src/engine/decide.js';
import type { Ranked } from '../../src/engine/retrieve.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const kb = loadKnowledge();
const r = (id: string, score: number): Ranked => {
  const entry = kb.byId.get(id);
  if (!entry) throw new Error(id);
  return { entry, score, gap: 0 };
};
const answer = (id: string, score = 0.8): Decision => ({
  kind: 'answer',
  best: r(id, score),
  alternatives: [],
});
// Parts that ask, as the engine passes them.
const asking = (...ds: Decision[]) => ds.map((decision) => ({ decision, asks: true }));
const ids = (d: ReturnType<typeof compose>) =>
  d.kind === 'answer' ? [d.best.entry.id, ...(d.also ?? []).map((a) => a.entry.id)] : [d.kind];

describe('compose', () => {
  it('answers every part that asks something else, the whole message’s answer first', () => {
    expect(
      ids(compose(answer('forum-venue'), asking(answer('forum-date'), answer('forum-venue')), 3)),
    ).toEqual(['forum-venue', 'forum-date']);
  });

  it('lets small talk step aside for facts, unless a part asks for it', () => {
    const greeting = { decision: answer('chitchat-greeting'), asks: false };
    const date = { decision: answer('forum-date'), asks: true };
    expect(ids(compose({ kind: 'refuse' }, [greeting, date], 3))).toEqual(['forum-date']);
    // "What can you do, and when was the forum?": both, the fact first.
    expect(ids(compose({ kind: 'refuse' }, asking(answer('chitchat-bot'), answer('forum-date')), 3))).toEqual(
      ['forum-date', 'chitchat-bot'],
    );
  });

  it('prefers the whole message or its one answering part, whichever fits better', () => {
    expect(ids(compose(answer('forum-history', 0.5), asking(answer('forum-date', 0.9)), 3))).toEqual([
      'forum-date',
    ]);
    expect(ids(compose(answer('forum-history', 0.95), asking(answer('forum-date', 0.9)), 3))).toEqual([
      'forum-history',
    ]);
  });

  it('keeps an honest partial answer, and the whole decision when no part answers', () => {
    const partial: Decision = { kind: 'partial', best: r('forum-history', 0.7) };
    expect(compose(partial, asking(answer('forum-date')), 3).kind).toBe('partial');
    expect(compose({ kind: 'refuse' }, asking(partial), 3).kind).toBe('partial');
    expect(compose({ kind: 'refuse' }, asking({ kind: 'refuse' }), 3).kind).toBe('refuse');
  });

  it('answers at most maxParts entries', () => {
    const parts = asking(
      ...['forum-date', 'forum-venue', 'forum-theme', 'plans-2026'].map((id) => answer(id)),
    );
    expect(ids(compose({ kind: 'refuse' }, parts, 3))).toHaveLength(3);
  });
});
