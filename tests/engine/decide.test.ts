import { describe, expect, it } from 'vitest';
import { decide } from '../../src/engine/decide.js';
import { DEFAULT_MATCHER_OPTIONS as options } from '../../src/engine/options.js';
import type { Query, QueryTerm, Ranked } from '../../src/engine/retrieve.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

const kb = loadKnowledge();
const entry = (id: string) =>
  kb.byId.get(id) ?? (kb.entries[0] as NonNullable<ReturnType<typeof kb.byId.get>>);
const ranked = (...rows: [string, number, number?][]): Ranked[] =>
  rows.map(([id, score, gap = 0]) => ({ entry: entry(id), score, gap }));
const term = (text: string, extra: Partial<QueryTerm> = {}): QueryTerm => ({
  text,
  known: true,
  weight: 1,
  factor: 1,
  entity: false,
  ...extra,
});
const query = (...terms: QueryTerm[]): Query => ({ terms, refersBack: false, wantsOverview: false });

describe('decide', () => {
  it('answers a good fit', () => {
    const d = decide(
      ranked(['forum-date', 0.8], ['forum-venue', 0.3]),
      query(term('~when'), term('~forum')),
      options,
    );
    expect(d.kind).toBe('answer');
    if (d.kind === 'answer') expect(d.best.entry.id).toBe('forum-date');
  });

  it('offers "did you mean" for a weak fit of known words, refuses one with unknown words', () => {
    const weak = ranked(['forum-date', 0.3], ['forum-venue', 0.29]);
    expect(decide(weak, query(term('~forum'), term('~held')), options).kind).toBe('suggestions');
    expect(
      decide(weak, query(term('~forum'), term('weather', { known: false, weight: 3 })), options).kind,
    ).toBe('refuse');
  });

  it('refuses an off-topic subject whatever else matches', () => {
    const d = decide(
      ranked(['forum-venue', 0.9]),
      query(term('~moscow'), term('~weather', { role: 'offTopic' })),
      options,
    );
    expect(d.kind).toBe('refuse');
  });

  it('gives a partial answer when an unanswered question fits clearly better', () => {
    const d = decide(
      ranked(['agreement-manuscript-pact', 0.6, 0.9]),
      query(term('~sign'), term('person')),
      options,
    );
    expect(d.kind).toBe('partial');
    expect(decide(ranked(['agreement-manuscript-pact', 0.88, 0.9]), query(term('~sign')), options).kind).toBe(
      'answer',
    );
  });

  it('gives a partial answer to what the source never tells, about a known subject', () => {
    const asked = query(term('~forum'), term('~attendance', { role: 'unanswerable' }));
    expect(decide(ranked(['forum-overview', 0.6]), asked, options).kind).toBe('partial');
    expect(decide(ranked(['forum-overview', 0.1]), asked, options).kind).toBe('refuse');
  });

  it('refuses when nothing matched', () => {
    expect(decide([], query(term('x', { known: false })), options).kind).toBe('refuse');
  });
});
