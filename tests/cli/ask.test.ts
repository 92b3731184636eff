import { execFileSync, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
// The built CLI, exactly what `npm run ask` runs (npm test builds before running vitest).
const ask = (args: string[], input?: string) =>
  spawnSync(process.execPath, ['dist/bin/ask.js', ...args], { cwd: root, input, encoding: 'utf8' });

describe('ask --jsonl', () => {
  it('answers each line in order, in the right language, naming both agreements', () => {
    const input = '{"text":"签署了哪些协议"}\n{"text":"what agreements were signed","lang":"ru"}\n';
    const run = ask(['--jsonl'], input);
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines).toHaveLength(2);
    expect(lines[0]).toMatchObject({ lang: 'zh', detected: 'zh', matched: true, id: 'agreements-overview' });
    expect(lines[0].answer).toMatch(/中国国家图书馆/);
    expect(lines[0].answer).toMatch(/首都图书馆/);
    expect(lines[1]).toMatchObject({ lang: 'ru', detected: 'en', matched: true, id: 'agreements-overview' });
    expect(lines[1].answer).toMatch(/Национальн/);
    expect(lines[1].answer).toMatch(/Дальневосточн/);
  });

  it('puts an error line in place of a malformed one and goes on', () => {
    const input =
      'not json\n{"text": 5}\n{"text":"hi","lang":"fr"}\n[1]\n{"text":"where was the forum held"}\n';
    const run = ask(['--jsonl'], input);
    expect(run.status).toBe(0);
    const lines = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(lines.slice(0, 4).map((l) => Object.keys(l))).toEqual([
      ['error'],
      ['error'],
      ['error'],
      ['error'],
    ]);
    expect(lines[4]).toMatchObject({ matched: true, id: 'forum-venue', lang: 'en' });
  });

  it('reports "I don\'t know" with matched false and no id', () => {
    const run = ask(['--jsonl'], '{"text":"what is the price of bitcoin today"}\n');
    const [line] = run.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l));
    expect(line).toMatchObject({ matched: false, id: null, lang: 'en' });
    expect(line.answer.length).toBeGreaterThan(20);
  });
});

describe('ask with a question argument', () => {
  it('prints the answer in the chosen language', () => {
    const out = execFileSync(
      process.execPath,
      ['dist/bin/ask.js', '--lang', 'zh', 'when did the forum open'],
      {
        cwd: root,
        encoding: 'utf8',
      },
    );
    expect(out).toMatch(/2025年8月14日/);
  });

  it('prints one JSON object with --json', () => {
    const run = ask(['--json', 'кто выступал на форуме']);
    expect(JSON.parse(run.stdout)).toMatchObject({ lang: 'ru', matched: true, id: 'speakers-overview' });
  });

  it('rejects an unknown language with a clear message', () => {
    const run = ask(['--lang', 'fr', 'hello']);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/--lang must be one of zh, ru, en/);
    expect(run.stdout).toBe('');
  });

  it('--jsonl with a question in the arguments refuses it instead of dropping it, in JSON', () => {
    const run = ask(['--jsonl', 'who spoke at the forum?'], '{"text":"когда открылся форум"}\n');
    expect(run.status).toBe(2);
    const lines = run.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0] ?? '')).toMatchObject({
      error: expect.stringMatching(/^--jsonl reads the questions from standard input, not "who spoke/),
    });
  });

  it('an unknown option or a missing value is one line of its own, exit 2', () => {
    for (const [args, reason] of [
      [['--frobnicate', 'hello'], 'unknown option --frobnicate'],
      [['--lang'], '--lang needs a value'],
      [['--lang', '--explain', 'hello'], '--lang needs a value'],
      [['--json=yes', 'hello'], '--json takes no value'],
    ] as const) {
      const run = ask([...args]);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/\n$/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr.startsWith(`${reason}; usage: ask `)).toBe(true);
    }
  });

  it('with --json, a usage error is JSON on stdout too', () => {
    const run = ask(['--json', '--lang', 'fr', 'hello']);
    expect(run.status).toBe(2);
    expect(JSON.parse(run.stdout)).toMatchObject({ error: expect.stringMatching(/^--lang must be one of/) });
  });
});
