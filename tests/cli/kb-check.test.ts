import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type CheckReport, checkKnowledge, DEFAULT_ARTICLE_PATH } from '../../src/cli/kb-check.js';
import { tempDirs } from '../support/temp-dirs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const fixtures = join(root, 'tests', 'fixtures', 'knowledge');
// The built CLI, exactly what `npm run kb:check` runs (npm test builds before running vitest).
const kbCheck = (args: string[]) =>
  spawnSync(process.execPath, ['dist/bin/kb-check.js', ...args], { cwd: root, encoding: 'utf8' });

describe('kb:check (the built CLI)', () => {
  const tempDir = tempDirs('kb-check-cli-');

  it('passes the shipped knowledge base (warnings allowed)', () => {
    const run = kbCheck([]);
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^OK: 0 errors, \d+ warnings?\.$/m);
  });

  it('fails a question that another entry answers, naming both entries, the file and the JSON path', () => {
    const run = kbCheck([join(fixtures, 'collision')]);
    expect(run.status).toBe(1);
    const section = run.stdout.split('\n\n').find((s) => s.startsWith('Collisions'));
    expect(section).toBeDefined();
    expect(section).toMatch(
      /error {4}.*entries\/forum-venue\.json: at i18n\.en\.questions\[3\]: question "When did the forum open\?" is answered by forum-date/,
    );
    expect(run.stdout).toMatch(/^FAIL: 1 error, 0 warnings\.$/m);
  });

  it('fails an untranslated side, naming the entry, the language and the field', () => {
    const run = kbCheck([join(fixtures, 'missing-translation')]);
    expect(run.status).toBe(1);
    const section = run.stdout.split('\n\n').find((s) => s.startsWith('Missing translations'));
    expect(section).toMatch(
      /entries\/agreements-overview\.json: at i18n\.zh\.answer: the answer has no Chinese characters, so it is not in zh/,
    );
    expect(section).toMatch(/at i18n\.zh\.answer: the answer is the same text as i18n\.en\.answer/);
    expect(run.stdout).not.toMatch(/Collisions/);
  });

  it('finds nothing to report in the clean fixture the others are derived from', () => {
    const run = kbCheck([join(fixtures, 'clean')]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/^OK: 0 errors, 0 warnings\.$/m);
  });

  it('reports a knowledge file that does not load as the loader words it, and exits 1', () => {
    const run = kbCheck([join(fixtures, 'no-such-dir')]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/no-such-dir: no such folder\n$/);
  });

  it('with --json, a folder that does not load is a JSON error too', () => {
    const run = kbCheck(['--json', join(fixtures, 'no-such-dir')]);
    expect(run.status).toBe(1);
    expect(JSON.parse(run.stdout)).toEqual({ error: expect.stringMatching(/no-such-dir: no such folder$/) });
  });

  it('names the file, line and column of a knowledge file that is not valid JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kb-json-'));
    cpSync(join(fixtures, 'clean'), dir, { recursive: true });
    const file = join(dir, 'entries', readdirSync(join(dir, 'entries'))[0] ?? '');
    const lines = readFileSync(file, 'utf8').split('\n');
    // A missing comma at the end of line 3: the parser stops at the start of line 4.
    lines[2] = (lines[2] ?? '').replace(/,$/, '');
    writeFileSync(file, lines.join('\n'));
    const run = kbCheck([dir]);
    expect(run.status).toBe(1);
    const column = (lines[3]?.search(/\S/) ?? 0) + 1;
    expect(run.stderr).toContain(`${basename(file)}:4:${column}: not valid JSON`);
    expect(run.stderr).not.toMatch(/position/);
  });

  it('an unknown option, or a second folder, is one line of its own, exit 2', () => {
    for (const args of [['--frobnicate'], ['a', 'b'], ['--article']]) {
      const run = kbCheck(args);
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
      expect(run.stderr).toMatch(
        /^(unknown option --frobnicate|unexpected argument "b"|--article needs a value); usage: kb:check/,
      );
    }
    const json = kbCheck(['--json', '--frobnicate']);
    expect(json.status).toBe(2);
    expect(JSON.parse(json.stdout)).toMatchObject({ error: 'unknown option --frobnicate' });
  });

  it("fails a forum.json without the venue's coordinates, naming the file and the field", () => {
    const dir = tempDir();
    cpSync(join(fixtures, 'clean'), dir, { recursive: true });
    const file = join(dir, 'forum.json');
    const forum = JSON.parse(readFileSync(file, 'utf8')) as { venue: Record<string, unknown> };
    delete forum.venue.longitude;
    writeFileSync(file, JSON.stringify(forum));
    const run = kbCheck([dir]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(/forum\.json: at venue\.longitude: Invalid input: expected number/);
  });

  it('prints one JSON object with --json', () => {
    const run = kbCheck(['--json', join(fixtures, 'collision')]);
    expect(run.status).toBe(1);
    const report = JSON.parse(run.stdout) as CheckReport;
    expect(report).toMatchObject({ entries: 4, errors: 1, warnings: 0 });
    expect(report.problems[0]).toMatchObject({
      check: 'collision',
      severity: 'error',
      entries: ['forum-venue', 'forum-date'],
      path: 'i18n.en.questions[3]',
      lang: 'en',
    });
  });

  it('rejects unknown options with exit code 2', () => {
    expect(kbCheck(['--frobnicate']).status).toBe(2);
  });
});

describe('kb:check lint rules', () => {
  const tempDir = tempDirs('kb-check-');

  /** The parts of an entry file these tests change. */
  interface EntryJson {
    source: string[];
    i18n: Record<'zh' | 'ru' | 'en', { title: string; answer: string; keywords: string[] }>;
  }

  /** A copy of the clean fixture with one entry changed. */
  function withEntry(id: string, mutate: (entry: EntryJson) => void): string {
    const dir = tempDir();
    cpSync(join(fixtures, 'clean'), dir, { recursive: true });
    const file = join(dir, 'entries', `${id}.json`);
    const entry = JSON.parse(readFileSync(file, 'utf8')) as EntryJson;
    mutate(entry);
    writeFileSync(file, JSON.stringify(entry));
    return dir;
  }
  const problemsOf = (dir: string, article = DEFAULT_ARTICLE_PATH) =>
    checkKnowledge(dir, article).problems.map((p) => ({ ...p, file: undefined }));

  it('an answer whose rendered HTML is over 4096 characters is an error', () => {
    // 1000 "&" fit the schema's 3500 characters but become 5000 characters of "&amp;".
    const dir = withEntry('forum-date', (e) => {
      e.i18n.ru.answer = `Форум: ${'&'.repeat(1000)}`;
    });
    expect(problemsOf(dir)).toContainEqual(
      expect.objectContaining({
        check: 'length',
        severity: 'error',
        entries: ['forum-date'],
        path: 'i18n.ru.answer',
        message: expect.stringMatching(
          /rendered answer is \d{4} characters; one Telegram message holds 4096/,
        ),
      }),
    );
  });

  it('an answer of invisible characters only is an error', () => {
    const dir = withEntry('forum-date', (e) => {
      e.i18n.en.answer = '\u200b\u200b';
    });
    expect(problemsOf(dir)).toContainEqual(
      expect.objectContaining({ check: 'length', severity: 'error', path: 'i18n.en.answer' }),
    );
  });

  it('a Russian title in Latin letters is a missing translation', () => {
    const dir = withEntry('forum-venue', (e) => {
      e.i18n.ru.title = 'Venue';
    });
    expect(problemsOf(dir)).toContainEqual(
      expect.objectContaining({ check: 'translation', severity: 'error', path: 'i18n.ru.title', lang: 'ru' }),
    );
  });

  it('a keyword in more than 3 entries is a warning naming them', () => {
    const dir = withEntry('forum-date', () => {});
    for (const id of ['forum-date', 'forum-venue', 'agreements-overview', 'chitchat-greeting']) {
      const file = join(dir, 'entries', `${id}.json`);
      const entry = JSON.parse(readFileSync(file, 'utf8')) as EntryJson;
      entry.i18n.en.keywords.push(id === 'forum-venue' ? 'LIBRARY!' : 'library');
      writeFileSync(file, JSON.stringify(entry));
    }
    const shared = problemsOf(dir).filter((p) => p.check === 'keywords');
    expect(shared).toHaveLength(1);
    expect(shared[0]).toMatchObject({ severity: 'warning' });
    expect([...(shared[0]?.entries ?? [])].sort()).toEqual([
      'agreements-overview',
      'chitchat-greeting',
      'forum-date',
      'forum-venue',
    ]);
  });

  it('a source sentence not in the article is an error, checked only when the article is there', () => {
    const dir = withEntry('forum-date', (e) => {
      e.source = ['The forum opened on a sunny Tuesday.'];
    });
    const article = join(dir, 'article.txt');
    writeFileSync(article, 'The forum yielded two major agreements. Something else entirely.');
    expect(problemsOf(dir, article)).toContainEqual(
      expect.objectContaining({ check: 'source', severity: 'error', path: 'source[0]' }),
    );
    const without = checkKnowledge(dir, join(dir, 'no-article.txt'));
    expect(without.article).toBeNull();
    expect(without.problems.filter((p) => p.check === 'source')).toEqual([]);
  });

  it("a headline in forum.json that is not the article's first line is an error naming forum.json", () => {
    const dir = tempDir();
    cpSync(join(fixtures, 'clean'), dir, { recursive: true });
    expect(checkKnowledge(dir).problems).toEqual([]);
    const file = join(dir, 'forum.json');
    writeFileSync(
      file,
      JSON.stringify({ ...JSON.parse(readFileSync(file, 'utf8')), article: 'Forum opens' }),
    );
    const [problem] = checkKnowledge(dir).problems;
    expect(problem).toMatchObject({ check: 'source', severity: 'error', path: 'article' });
    expect(problem?.file).toMatch(/forum\.json$/);
    expect(problem?.message).toContain('"Forum opens" is not the article\'s headline');
  });
});
