import { cpSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createClient } from 'redis';
import { describe, expect, it } from 'vitest';
import { runKbSuggest, type SuggestReport } from '../../src/cli/kb-suggest.js';
import { createEngine } from '../../src/engine/engine.js';
import type { EngineResult } from '../../src/engine/types.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../../src/knowledge/load.js';
import { createRedisStore } from '../../src/store/redis.js';
import type { Signal } from '../../src/store/signals.js';
import { createSqliteStore } from '../../src/store/sqlite.js';
import type { Store } from '../../src/store/store.js';
import { describeWithRedis, useRedis } from '../support/redis-server.js';
import { tempDirs } from '../support/temp-dirs.js';

const engine = createEngine(loadKnowledge());
const tempDir = tempDirs('suggest-');
const T0 = Date.UTC(2025, 7, 20, 9, 30);

/** What the bot records for a question (see src/bot/signals.ts). */
function asked(user: string, text: string, at: number): Signal {
  const r: EngineResult = engine.ask(text);
  return {
    type: 'question',
    user,
    at,
    text,
    lang: r.detected,
    outcome: r.kind === 'notFound' ? 'refuse' : r.kind,
    entryId: r.kind === 'answer' || r.kind === 'partial' ? r.entry.id : null,
    score: r.score,
    candidates: (r.kind === 'answer' ? r.alternatives : r.kind === 'partial' ? [] : r.suggestions).map(
      (c) => ({
        id: c.id,
        score: c.score,
      }),
    ),
  };
}

/**
 * Traffic as the bot leaves it: a question missed twice and answered once rephrased, one missed and then a
 * topic pressed, one out of scope, and one answered right (not a suggestion).
 */
async function seed(store: Store): Promise<void> {
  const signals: Signal[] = [
    asked('a', 'what paperwork got signed', T0),
    { type: 'press', user: 'a', at: T0 + 5_000, entryId: 'agreements-overview' },
    asked('b', 'What paperwork got signed?', T0 + 60_000),
    { type: 'press', user: 'b', at: T0 + 65_000, entryId: 'agreements-overview' },
    asked('c', 'was it around harvest time', T0 + 120_000),
    asked('c', 'what day did the library forum kick off', T0 + 150_000),
    asked('d', 'how much did the tickets cost', T0 + 200_000),
    // "The article does not say", then quoting the 2026 plans: 👎.
    { type: 'vote', user: 'd', at: T0 + 205_000, entryId: 'plans-2026', vote: 'down' },
    asked('e', 'When did the forum open?', T0 + 300_000),
  ];
  for (const s of signals) await store.recordSignal(s);
}

/** Runs the CLI in-process; what it printed and its exit code. */
async function cli(args: string[], env: { dataDir?: string; storeUrl?: string }) {
  let stdout = '';
  let stderr = '';
  const io = {
    stdout: { write: (t: string) => (stdout += t) },
    stderr: { write: (t: string) => (stderr += t) },
  };
  const code = await runKbSuggest(args, env, io);
  return { code, stdout, stderr };
}

/** A copy of knowledge/ the CLI may write into. */
function knowledgeCopy(): string {
  const dir = join(tempDir(), 'knowledge');
  cpSync(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
  return dir;
}

const entryFile = (dir: string, id: string) => readFileSync(join(dir, 'entries', `${id}.json`), 'utf8');

function suggestSuite(
  name: string,
  location: () => Promise<{ env: { dataDir?: string; storeUrl?: string }; store: () => Promise<Store> }>,
) {
  describe(`${name}: npm run kb:suggest`, { timeout: 60_000 }, () => {
    it('groups the recorded questions and proposes an entry for each, with counts and examples', async () => {
      const { env, store } = await location();
      const s = await store();
      await seed(s);
      await s.close();
      const json = await cli(['--json'], env);
      expect(json.code).toBe(0);
      const report = JSON.parse(json.stdout) as SuggestReport;
      expect(report.questions).toBe(6);
      const byText = new Map(report.groups.map((g) => [g.examples[0]?.text.toLowerCase(), g]));
      const paperwork = byText.get('what paperwork got signed');
      expect(paperwork).toMatchObject({
        count: 2,
        presses: { 'agreements-overview': 2 },
        proposal: { kind: 'entry', entryId: 'agreements-overview', source: 'press' },
      });
      expect(paperwork?.examples.map((e) => e.text)).toEqual([
        'what paperwork got signed',
        'What paperwork got signed?',
      ]);
      expect(byText.get('was it around harvest time')?.proposal).toMatchObject({
        entryId: 'forum-date',
        source: 'rephrase',
      });
      expect(byText.get('how much did the tickets cost')?.proposal.kind).toBe('out-of-scope');
      // Answered and not complained about: nothing to suggest.
      expect(byText.has('when did the forum open?')).toBe(false);

      const text = await cli([], env);
      expect(text.stdout).toContain(
        `[${paperwork?.id}] asked 2× (refuse 2); chosen by users: agreements-overview ×2`,
      );
      expect(text.stdout).toContain('proposal: agreements-overview (users chose it)');
      expect(text.stdout).toContain(`npm run kb:suggest -- --accept ${paperwork?.id}`);
    });

    it('--accept writes the questions into the entry file, formatted and valid; --reject hides a group', async () => {
      const { env, store } = await location();
      const s = await store();
      await seed(s);
      await s.close();
      const knowledge = knowledgeCopy();
      const { groups } = JSON.parse((await cli(['--json'], env)).stdout) as SuggestReport;
      const paperwork = groups.find((g) => g.examples[0]?.text === 'what paperwork got signed');
      const tickets = groups.find((g) => g.examples[0]?.text === 'how much did the tickets cost');

      const accepted = await cli(['--accept', paperwork?.id ?? '', '--knowledge', knowledge], env);
      expect(accepted.stderr).toBe('');
      expect(accepted.stdout).toContain(`Accepted group ${paperwork?.id} into agreements-overview`);
      const file = entryFile(knowledge, 'agreements-overview');
      const entry = JSON.parse(file);
      expect(file).toBe(`${JSON.stringify(entry, null, 2)}\n`);
      // Two wordings that differ only in case and the question mark are one question.
      expect(entry.i18n.en.questions.filter((q: string) => /paperwork/.test(q))).toEqual([
        'what paperwork got signed',
      ]);
      expect(loadKnowledge(knowledge).byId.get('agreements-overview')).toBeDefined();
      expect(createEngine(loadKnowledge(knowledge)).ask('what paperwork got signed')).toMatchObject({
        kind: 'answer',
        entry: { id: 'agreements-overview' },
      });

      expect((await cli(['--reject', tickets?.id ?? ''], env)).stdout).toContain(
        `Rejected group ${tickets?.id}`,
      );
      const left = JSON.parse((await cli(['--json'], env)).stdout) as SuggestReport;
      expect(left.groups.map((g) => g.id)).not.toContain(paperwork?.id);
      expect(left.groups.map((g) => g.id)).not.toContain(tickets?.id);
      const all = JSON.parse((await cli(['--json', '--all'], env)).stdout) as SuggestReport;
      expect(all.groups.find((g) => g.id === tickets?.id)?.decision?.decision).toBe('rejected');
    });

    it('refuses an entry whose questions another entry would then answer, naming the collision', async () => {
      const { env, store } = await location();
      const s = await store();
      // Forum-date's own question, complained about: accepting it into the venue entry would steal it.
      await s.recordSignal(asked('f', 'When did the forum open?', T0));
      await s.recordSignal({ type: 'vote', user: 'f', at: T0 + 1000, entryId: 'forum-date', vote: 'down' });
      await s.close();
      const knowledge = knowledgeCopy();
      const before = entryFile(knowledge, 'forum-venue');
      const { groups } = JSON.parse((await cli(['--json'], env)).stdout) as SuggestReport;
      const out = await cli(
        ['--accept', groups[0]?.id ?? '', '--entry', 'forum-venue', '--knowledge', knowledge],
        env,
      );
      expect(out.code).toBe(1);
      expect(out.stderr).toMatch(
        /^Not accepted: refused: forum-venue i18n\.en\.questions\[\d+\]: question "When did the forum open\?" is answered by forum-date/,
      );
      expect(entryFile(knowledge, 'forum-venue')).toBe(before);
      expect(
        (
          await cli(
            ['--accept', groups[0]?.id ?? '', '--entry', 'no-such-entry', '--knowledge', knowledge],
            env,
          )
        ).stderr,
      ).toContain('no entry has the id "no-such-entry"');
    });

    it('--export writes the alternates accepted in /review into knowledge/ and forgets them', async () => {
      const { env, store } = await location();
      const s = await store();
      await s.addPendingAlternates([
        { entryId: 'forum-date', lang: 'ru', question: 'это было летом?', group: '0123abcd', at: T0 },
        {
          entryId: 'forum-date',
          lang: 'en',
          question: 'was it around harvest time',
          group: '0123abcd',
          at: T0,
        },
      ]);
      await s.close();
      const knowledge = knowledgeCopy();
      const out = await cli(['--export', '--knowledge', knowledge], env);
      expect(out.stdout).toContain('Exported 2 alternate question(s) into 1 file(s)');
      const entry = JSON.parse(entryFile(knowledge, 'forum-date'));
      expect(entry.i18n.ru.questions).toContain('это было летом?');
      expect(entry.i18n.en.questions).toContain('was it around harvest time');
      const again = await store();
      expect(await again.pendingAlternates()).toEqual([]);
      await again.close();
      expect((await cli(['--export', '--knowledge', knowledge], env)).stdout).toContain(
        'No accepted alternates',
      );
    });
  });
}

describe('kb:suggest reads the store the other curator tools read', () => {
  it('refuses a --data-dir that does not exist, and says so in JSON with --json', async () => {
    const missing = join(tempDir(), 'nowhere');
    const plain = await cli(['--data-dir', missing], {});
    expect(plain.code).toBe(1);
    expect(plain.stderr).toBe(`--data-dir ${missing}: the folder does not exist\n`);
    const json = await cli(['--json', '--data-dir', missing], {});
    expect(json.code).toBe(1);
    expect(JSON.parse(json.stdout)).toEqual({ error: `--data-dir ${missing}: the folder does not exist` });
  });
});

suggestSuite('SQLite', async () => {
  const dataDir = tempDir();
  return { env: { dataDir }, store: async () => createSqliteStore(dataDir) };
});

describeWithRedis('redis: kb:suggest', () => {
  const redisUrl = useRedis();
  // The CLI reads the bot's keys (the default prefix): each test gets a database of its own, emptied first.
  let db = 11;
  suggestSuite('Redis', async () => {
    const storeUrl = `${redisUrl()}/${db++}`;
    const client = createClient({ url: storeUrl });
    await client.connect();
    await client.flushDb();
    await client.close();
    return { env: { storeUrl }, store: async () => createRedisStore(storeUrl) };
  });
});
