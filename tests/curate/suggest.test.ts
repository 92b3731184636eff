import { describe, expect, it } from 'vitest';
import { createSignalRecorder } from '../../src/bot/signals.js';
import { groupId, groupTerms, suggestGroups } from '../../src/curate/suggest.js';
import { createEngine } from '../../src/engine/engine.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { DAY_MS, hashUser, type Signal } from '../../src/store/signals.js';
import { createMemoryStore } from '../../src/store/store.js';
import { capturedLogger } from '../support/logger.js';

const engine = createEngine(loadKnowledge());
const T0 = Date.UTC(2025, 7, 20, 9);

/** A store with a recorder whose clock the test moves. */
function recording(retentionDays = 90) {
  const store = createMemoryStore();
  let now = T0;
  const recorder = createSignalRecorder({
    store,
    secret: 'a-test-signal-secret',
    retentionDays,
    logger: capturedLogger().logger,
    now: () => now,
  });
  return {
    store,
    recorder,
    at: (t: number) => {
      now = t;
    },
    ask: (user: number, text: string) => recorder.question(user, text, engine.ask(text)),
  };
}

describe('suggestion groups', () => {
  it('puts wordings the engine reads alike in one group, across languages', () => {
    const en = groupTerms(engine, 'Where was the forum held?');
    expect(groupTerms(engine, 'where is the forum held')).toEqual(en);
    expect(groupTerms(engine, 'где проходил форум?')).toEqual(en);
    expect(groupId(groupTerms(engine, 'who spoke?'))).not.toBe(groupId(en));
  });

  it('counts a question asked again soon after by the same user: the reply did not help', async () => {
    const r = recording();
    await r.ask(1, 'this is the same question, answered with the history');
    r.at(T0 + 60_000);
    await r.ask(1, 'This is the same question, answered with the history?');
    const [group] = suggestGroups(await r.store.signals(), engine);
    expect(group).toMatchObject({ count: 2, repeats: 1 });
  });

  it('proposes the entry of a rephrasing after a 👎, unless that answer got a 👎 too', async () => {
    const wrong = engine.ask('the venue had what name');
    expect(wrong).toMatchObject({ kind: 'answer' });
    const wrongId = wrong.kind === 'answer' ? wrong.entry.id : '';
    const r = recording();
    await r.ask(1, 'the venue had what name');
    r.at(T0 + 10_000);
    await r.recorder.vote(1, wrongId, 'down');
    r.at(T0 + 20_000);
    await r.ask(1, 'in which building did they meet');
    expect(suggestGroups(await r.store.signals(), engine)[0]?.proposal).toEqual({
      kind: 'entry',
      entryId: 'forum-venue',
      source: 'rephrase',
      score: null,
    });
    r.at(T0 + 30_000);
    await r.recorder.vote(1, 'forum-venue', 'down');
    const groups = suggestGroups(await r.store.signals(), engine);
    expect(groups.find((g) => g.examples[0]?.text === 'the venue had what name')?.proposal).not.toMatchObject(
      {
        source: 'rephrase',
      },
    );
  });

  it('records users only as a keyed hash, and prunes signals past the retention', async () => {
    expect(hashUser('secret-one-0123456', 42)).toBe(hashUser('secret-one-0123456', 42));
    expect(hashUser('secret-one-0123456', 42)).not.toBe(hashUser('secret-two-0123456', 42));
    expect(hashUser('secret-one-0123456', 42)).not.toContain('42');
    const r = recording(1);
    await r.ask(1, 'was it in summer');
    r.at(T0 + 2 * DAY_MS);
    await r.ask(2, 'any contracts?');
    const left = (await r.store.signals()) as Array<Extract<Signal, { type: 'question' }>>;
    expect(left.map((s) => s.text)).toEqual(['any contracts?']);
  });
});
