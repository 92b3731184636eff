import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the program as `npm start` would (without the build step), with no token, feeding stdin. */
function chat(input: string) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'term-')) };
  delete env.BOT_TOKEN;
  return spawnSync(process.execPath, ['dist/main.js'], { cwd: root, input, encoding: 'utf8', env });
}

describe('terminal chat', () => {
  it('switches to Russian with /lang ru and answers an English question in Russian, then exits 0', () => {
    const run = chat('/lang ru\nwhen did the forum open?\n');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Готово/);
    expect(run.stdout).toMatch(/14 августа 2025/);
  });

  it('switches the reply language asked for in words', () => {
    const run = chat('in Russian please\nwhen did the forum open?\n');
    expect(run.stdout).toMatch(/Готово/);
    expect(run.stdout).toMatch(/14 августа 2025/);
  });

  it('answers in the language of the question by default, and lists topics', () => {
    const run = chat('论坛在哪里举行\n/topics\n/quit\nwhere was it\n');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/帕什科夫宫/);
    expect(run.stdout).toMatch(/我可以回答的话题/);
    // Nothing after /quit is answered.
    expect(run.stdout).not.toMatch(/Pashkov House/);
  });

  it('understands a follow-up about what it just answered', () => {
    const run = chat('who is Zhang Hanhui?\nwhat did he say?\n');
    expect(run.stdout.match(/Zhang Hanhui/g)?.length).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toMatch(/online literature/);
  });

  it('/agreements names both agreements; an unknown command and an unknown language are explained', () => {
    const run = chat('/agreements\n/frobnicate\n/lang fr\n');
    expect(run.stdout).toMatch(/Manuscript Reproduction Pact/);
    expect(run.stdout).toMatch(/Capital Library/);
    expect(run.stdout).toMatch(/Unknown command \/frobnicate/);
    expect(run.stdout).toMatch(/don't know the language “fr”/);
  });

  it('takes /lang with a language name, as the bot does, and /about counts the facts as the bot does', () => {
    const run = chat('/lang Русский\nwhen did the forum open?\n/about\n');
    expect(run.stdout).toMatch(/14 августа 2025/);
    const facts = loadKnowledge().entries.filter((e) => e.topic !== 'chitchat').length;
    expect(run.stdout).toContain(` ${facts} `);
  });

  it('numbers "did you mean" and topic lists, and a number picks one', () => {
    const run = chat('how is the weather today?\n2\n');
    expect(run.stdout).toMatch(/^1\. /m);
    const second = loadKnowledge().topics[1];
    expect(run.stdout).toContain(loadKnowledge().byId.get(second?.entry ?? '')?.i18n.en.answer ?? '(none)');
  });
});
