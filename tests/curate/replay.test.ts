import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVAL_SETS, evaluate, loadEvalSets, questionKey } from '../../src/cli/eval.js';
import { writeAlternates } from '../../src/curate/accept.js';
import { groupAlternates, suggestGroups } from '../../src/curate/suggest.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/types.js';
import { createLiveEngine } from '../../src/knowledge/live.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../../src/knowledge/load.js';
import { withAlternates } from '../../src/knowledge/pending.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { createHarness, textMessage } from '../bot/helpers.js';
import { capturedLogger } from '../support/logger.js';
import { tempDirs } from '../support/temp-dirs.js';

interface Turn {
  text: string;
  want: string | null;
}
const day = JSON.parse(readFileSync(join(import.meta.dirname, '../fixtures/replay/day.json'), 'utf8')) as {
  sessions: Array<{ turns: Turn[] }>;
};
const turns = day.sessions.flatMap((s) => s.turns);

/** Right: the wanted entry answered, or (nothing wanted) no confident answer. */
function replayAccuracy(engine: Engine): { right: number; total: number } {
  let right = 0;
  for (const { text, want } of turns) {
    const r = engine.ask(text);
    if (want === null ? r.kind !== 'answer' : r.kind === 'answer' && r.entry.id === want) right += 1;
  }
  return { right, total: turns.length };
}

/** The dev set's figures per reply language (what `npm run eval` prints for dev). */
function devFigures(engine: Engine) {
  const report = evaluate(engine, loadEvalSets().dev, { keepMisses: false });
  return Object.fromEntries(
    Object.entries(report.byLang).map(([lang, { inScope, outOfScope }]) => [
      lang,
      { inScope: inScope.right / inScope.total, outOfScope: outOfScope.right / outOfScope.total },
    ]),
  );
}

const pct = (x: { right: number; total: number }) => `${((100 * x.right) / x.total).toFixed(1)}%`;

const tempDir = tempDirs('replay-', afterAll);

describe('replaying a day of traffic, then accepting the suggestions', () => {
  it('no replayed question is an evaluation question (accepting one would leak it into knowledge/)', () => {
    const sets = loadEvalSets();
    const evalKeys = new Set(EVAL_SETS.flatMap((name) => sets[name].map((c) => questionKey(c.text))));
    expect(turns.filter((t) => evalKeys.has(questionKey(t.text)))).toEqual([]);
  });

  it('raises accuracy on the replayed questions without lowering the dev set', {
    timeout: 300_000,
  }, async () => {
    const knowledgeDir = join(tempDir(), 'knowledge');
    cpSync(DEFAULT_KNOWLEDGE_DIR, knowledgeDir, { recursive: true });
    const store = createSqliteStore(tempDir());
    const { logger } = capturedLogger();
    const build = async () =>
      createEngine(withAlternates(loadKnowledge(knowledgeDir), await store.pendingAlternates()));
    const live = await createLiveEngine({ build, logger });
    let clock = Date.UTC(2025, 7, 15, 8);
    const harness = createHarness({
      engine: live.current(),
      deps: { live, signals: { store, secret: 'replay-secret-0123456789', logger, now: () => clock } },
    });
    let pressId = 50_000;
    const press = (data: string, user: { id: number }) =>
      harness.handle({
        callback_query: {
          id: String(pressId),
          from: { is_bot: false, first_name: 'Reader', ...user },
          chat_instance: '1',
          data,
          message: {
            message_id: pressId++,
            date: 0,
            chat: { id: user.id, type: 'private', first_name: 'Reader' },
            text: 'reply',
          },
        },
      } as never);

    // The day: one user per session, sessions a quarter of an hour apart, turns half a minute apart.
    let presses = 0;
    for (const [i, session] of day.sessions.entries()) {
      const user = { id: 7_000_000 + i };
      clock += 15 * 60_000;
      for (const turn of session.turns) {
        clock += 30_000;
        harness.clear();
        await harness.handle(textMessage(turn.text, user));
        const buttons = harness.seen().flatMap((m) => m.buttons.map((b) => b.data));
        const voted = buttons.find((d) => /^[ud]:/.test(d));
        if (voted) {
          const [, lang, id] = voted.split(':');
          await press(`${id === turn.want ? 'u' : 'd'}:${lang}:${id}`, user);
        } else {
          const offered = buttons.find((d) => turn.want !== null && d.endsWith(`:${turn.want}`));
          if (offered) {
            clock += 5_000;
            await press(offered, user);
            presses += 1;
          }
        }
      }
    }

    const signals = await store.signals();
    expect(signals.filter((s) => s.type === 'question')).toHaveLength(turns.length);
    const before = { replay: replayAccuracy(live.current()), dev: devFigures(live.current()) };

    // Every group with a proposed entry accepted into it at once (one validation and collision check).
    const groups = suggestGroups(signals, live.current());
    const proposed = groups.flatMap((g) =>
      g.proposal.kind === 'entry' ? [{ g, id: g.proposal.entryId }] : [],
    );
    const outcome = writeAlternates(
      proposed.flatMap(({ g, id }) => groupAlternates(g, id, clock)),
      knowledgeDir,
    );
    expect(outcome).toMatchObject({ ok: true });
    const accepted = proposed.map(
      ({ g, id }) => `${g.id} -> ${id} (${g.proposal.kind === 'entry' ? g.proposal.source : ''})`,
    );
    const others = groups
      .filter((g) => g.proposal.kind !== 'entry')
      .map((g) => `${g.id} ${g.proposal.kind}: ${g.examples[0]?.text}`);
    await store.close();

    const engine = createEngine(loadKnowledge(knowledgeDir));
    const after = { replay: replayAccuracy(engine), dev: devFigures(engine) };
    console.log(
      [
        `replay: ${turns.length} questions in ${day.sessions.length} sessions, ${presses} presses of "did you mean" or topic buttons; ${groups.length} groups, ${accepted.length} accepted`,
        `replayed questions answered right: before ${pct(before.replay)}, after ${pct(after.replay)}`,
        ...Object.keys(before.dev).map(
          (lang) =>
            `dev ${lang}: in scope ${(100 * (before.dev[lang]?.inScope ?? 0)).toFixed(1)}% -> ${(100 * (after.dev[lang]?.inScope ?? 0)).toFixed(1)}%, out of scope ${(100 * (before.dev[lang]?.outOfScope ?? 0)).toFixed(1)}% -> ${(100 * (after.dev[lang]?.outOfScope ?? 0)).toFixed(1)}%`,
        ),
        ...accepted.map((a) => `  accepted ${a}`),
        ...others.map((o) => `  not accepted ${o}`),
      ].join('\n'),
    );

    expect(after.replay.right).toBeGreaterThan(before.replay.right);
    for (const lang of Object.keys(before.dev)) {
      expect(after.dev[lang]?.inScope, `dev ${lang} in scope`).toBeGreaterThanOrEqual(
        before.dev[lang]?.inScope ?? 0,
      );
      expect(after.dev[lang]?.outOfScope, `dev ${lang} out of scope`).toBeGreaterThanOrEqual(
        before.dev[lang]?.outOfScope ?? 0,
      );
    }
  });
});
