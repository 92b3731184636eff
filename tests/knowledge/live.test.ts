import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Engine } from '../../src/engine/types.js';
import { createLiveEngine, knowledgeBuilder } from '../../src/knowledge/live.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import {
  addQuestion,
  copyKnowledge,
  NEW_QUESTION,
  NEW_QUESTION_ENTRY,
  overwriteEntry,
} from '../support/knowledge-copy.js';
import { capturedLogger } from '../support/logger.js';
import { tempDirs } from '../support/temp-dirs.js';

const tempDir = tempDirs('forum-bot-live-');
const answered = (engine: Engine, question: string) => {
  const result = engine.ask(question, { lang: 'en' });
  return result.kind === 'answer' ? result.entry.id : result.kind;
};

describe('createLiveEngine', () => {
  it('answers a question added to a file after reload(), and says the new version and entry count', async () => {
    const dir = copyKnowledge(tempDir());
    const live = await createLiveEngine({ build: knowledgeBuilder(dir) });
    const before = live.current();
    expect(answered(before, NEW_QUESTION)).toBe('notFound');

    addQuestion(dir, NEW_QUESTION_ENTRY, 'en', NEW_QUESTION);
    const outcome = await live.reload('test');

    expect(answered(live.current(), NEW_QUESTION)).toBe(NEW_QUESTION_ENTRY);
    expect(outcome).toEqual({ ok: true, version: live.current().knowledge.version, entries: 23 });
    expect(outcome.ok && outcome.version).not.toBe(before.knowledge.version);
    // An update that took the engine before the reload finishes on it.
    expect(answered(before, NEW_QUESTION)).toBe('notFound');
  });

  it('gives equal knowledge the same version, whichever folder it came from', async () => {
    const live = await createLiveEngine({ build: knowledgeBuilder(copyKnowledge(tempDir())) });
    expect(live.current().knowledge.version).toBe(createEngine(loadKnowledge()).knowledge.version);
    expect(live.current().knowledge.version).toMatch(/^[0-9a-f]{12}$/);
  });

  it('refuses a broken file with the loader message (file and line:column), and keeps answering as before', async () => {
    const dir = copyKnowledge(tempDir());
    const { logger, lines } = capturedLogger();
    const live = await createLiveEngine({ build: knowledgeBuilder(dir), logger });
    const before = live.current();
    overwriteEntry(dir, NEW_QUESTION_ENTRY, '{\n  "id": "forum-date",\n  "topic": \n}\n');

    const outcome = await live.reload('SIGHUP');

    expect(outcome.ok).toBe(false);
    const error = outcome.ok ? '' : outcome.error;
    expect(error).toContain('forum-date.json:4:1: not valid JSON:');
    expect(live.current()).toBe(before);
    expect(answered(live.current(), 'When did the forum open?')).toBe('forum-date');
    expect(lines.find((l) => l.level === 40)).toMatchObject({
      msg: 'knowledge base not reloaded; the previous one keeps serving',
      reason: 'SIGHUP',
      error,
    });
  });

  it('refuses a file that breaks the schema with its JSON path', async () => {
    const dir = copyKnowledge(tempDir());
    const live = await createLiveEngine({ build: knowledgeBuilder(dir) });
    const original = JSON.parse(overwriteEntry(dir, 'forum-venue', '{}')) as Record<string, unknown>;
    overwriteEntry(dir, 'forum-venue', JSON.stringify({ ...original, related: 'forum-date' }));
    const outcome = await live.reload('test');
    expect(outcome).toEqual({ ok: false, error: expect.stringContaining('forum-venue.json: at related:') });
  });

  it('runs reloads one at a time: one asked for during another reads the files after it', async () => {
    const builds: string[] = [];
    let release = () => {};
    let calls = 0;
    const engine = createEngine(loadKnowledge());
    const live = await createLiveEngine({
      build: async () => {
        calls += 1;
        const n = calls;
        builds.push(`start ${n}`);
        if (n === 2) await new Promise<void>((resolve) => (release = resolve));
        builds.push(`end ${n}`);
        return engine;
      },
    });
    const first = live.reload('a');
    const second = live.reload('b');
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(builds).toEqual(['start 1', 'end 1', 'start 2']);
    release();
    await Promise.all([first, second]);
    expect(builds).toEqual(['start 1', 'end 1', 'start 2', 'end 2', 'start 3', 'end 3']);
  });

  it('rejects when the first build fails: the bot does not start without knowledge', async () => {
    const dir = copyKnowledge(tempDir());
    overwriteEntry(dir, 'forum-date', 'nope');
    await expect(createLiveEngine({ build: knowledgeBuilder(dir) })).rejects.toThrow(
      /forum-date\.json:\d+:\d+: not valid JSON/,
    );
  });
});
