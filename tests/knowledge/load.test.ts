import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_KNOWLEDGE_DIR, KnowledgeError, loadKnowledge } from '../../src/knowledge/load.js';
import { LANGS } from '../../src/knowledge/schema.js';
import { tempDirs } from '../support/temp-dirs.js';

const article = readFileSync(join(DEFAULT_KNOWLEDGE_DIR, 'source', 'article.txt'), 'utf8');

describe('the shipped knowledge base', () => {
  const kb = loadKnowledge();

  it('loads, with unique ids and every language', () => {
    expect(kb.entries.length).toBeGreaterThanOrEqual(20);
    expect(new Set(kb.entries.map((e) => e.id)).size).toBe(kb.entries.length);
    for (const entry of kb.entries)
      for (const lang of LANGS) expect(entry.i18n[lang].answer.length).toBeGreaterThan(0);
  });

  it('quotes its sources verbatim from the article', () => {
    for (const entry of kb.entries) {
      if (entry.kind !== 'chitchat') expect(entry.source.length, entry.id).toBeGreaterThan(0);
      for (const sentence of entry.source) expect(article, `${entry.id}: ${sentence}`).toContain(sentence);
    }
  });

  it('covers every sentence of the article', () => {
    const quoted = kb.entries.flatMap((e) => e.source).join('\n');
    const sentences = article
      .split(/\n+/)
      .slice(1)
      .flatMap((p) => p.split(/(?<=[.!?]["”]?)\s+(?=[A-Z"“])/))
      .map((s) => s.trim())
      .filter((s) => s.length > 20);
    const missing = sentences.filter((s) => !quoted.includes(s.slice(0, 40)));
    expect(missing).toEqual([]);
  });

  it('names the article by its headline, the first line of the article', () => {
    expect(kb.forum.article).toBe(article.split('\n')[0]?.trim());
  });

  it('has overview entries for the agreements and the speakers that name all of them', () => {
    const agreements = kb.byId.get('agreements-overview');
    expect(agreements?.i18n.en.answer).toMatch(/Manuscript Reproduction Pact/);
    expect(agreements?.i18n.en.answer).toMatch(/Far Eastern State Scientific Library/);
    expect(agreements?.i18n.ru.answer).toMatch(/Дальневосточн/);
    expect(agreements?.i18n.zh.answer).toMatch(/首都图书馆/);
    const speakers = kb.byId.get('speakers-overview');
    for (const name of [/Alexeyeva/, /Zhang Hanhui/]) expect(speakers?.i18n.en.answer).toMatch(name);
    for (const name of [/Алексеева/, /Чжан Ханьхуэй/]) expect(speakers?.i18n.ru.answer).toMatch(name);
    for (const name of [/阿列克谢耶娃/, /张汉晖/]) expect(speakers?.i18n.zh.answer).toMatch(name);
  });
});

describe('a bad knowledge file', () => {
  const tempDir = tempDirs('kb-');

  /** A copy of the shipped knowledge base with one file replaced by a mutation of it. */
  function withMutation(file: string, mutate: (json: Record<string, unknown>) => unknown): string {
    const dir = tempDir();
    cpSync(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
    const path = join(dir, file);
    writeFileSync(path, JSON.stringify(mutate(JSON.parse(readFileSync(path, 'utf8')))));
    return dir;
  }

  const messageOf = (dir: string) => {
    try {
      loadKnowledge(dir);
    } catch (error) {
      expect(error).toBeInstanceOf(KnowledgeError);
      return (error as Error).message.replace(`${dir}/`, '');
    }
    throw new Error('expected loadKnowledge to fail');
  };

  it('names the file and the JSON path of a missing translation', () => {
    const dir = withMutation('entries/forum-date.json', (e) => {
      delete (e.i18n as Record<string, unknown>).ru;
      return e;
    });
    expect(messageOf(dir)).toMatch(
      /entries\/forum-date\.json: at i18n\.ru: Invalid input: expected object, received undefined$/,
    );
  });

  it('names the index of an empty question', () => {
    const dir = withMutation('entries/forum-date.json', (e) => {
      (e.i18n as { en: { questions: string[] } }).en.questions[1] = '  ';
      return e;
    });
    expect(messageOf(dir)).toMatch(
      /entries\/forum-date\.json: at i18n\.en\.questions\[1\]: must be a non-empty string$/,
    );
  });

  it('rejects an unknown field', () => {
    const dir = withMutation('entries/forum-date.json', (e) => ({ ...e, answer: 'misplaced' }));
    expect(messageOf(dir)).toMatch(/entries\/forum-date\.json: at \(root\): Unrecognized key: "answer"$/);
  });

  it('rejects an id that does not match its file name, and a second entry with the same id', () => {
    const renamed = withMutation('entries/forum-date.json', (e) => ({ ...e, id: 'forum-venue' }));
    expect(messageOf(renamed)).toMatch(
      /entries\/forum-date\.json: at id: must match the file name \("forum-date"\)$/,
    );
  });

  it('rejects a related id that does not exist', () => {
    const dir = withMutation('entries/forum-date.json', (e) => ({ ...e, related: ['no-such-entry'] }));
    expect(messageOf(dir)).toMatch(
      /entries\/forum-date\.json: at related\[0\]: no entry has the id "no-such-entry"$/,
    );
  });

  it('rejects a lexicon role that names no synonym group', () => {
    const dir = withMutation('lexicon.json', (l) => ({ ...l, unanswerable: ['no such group'] }));
    expect(messageOf(dir)).toMatch(
      /lexicon\.json: at unanswerable\[0\]: "no such group" is not the first member of a synonym group$/,
    );
  });

  it('names forum.json and its field when the forum date is not a calendar date', () => {
    const dir = withMutation('forum.json', (f) => ({ ...f, date: '14 August 2025' }));
    expect(messageOf(dir)).toMatch(
      /forum\.json: at date: must be a date written YYYY-MM-DD, like "2025-08-14"$/,
    );
  });

  it('rejects a venue without its Russian name, and a map pin off the globe', () => {
    const unnamed = withMutation('forum.json', (f) => {
      delete (f as { venue: { name: Record<string, string> } }).venue.name.ru;
      return f;
    });
    expect(messageOf(unnamed)).toMatch(/forum\.json: at venue\.name\.ru: Invalid input/);
    const off = withMutation('forum.json', (f) => ({
      ...f,
      venue: { ...(f.venue as object), latitude: 95 },
    }));
    expect(messageOf(off)).toMatch(/forum\.json: at venue\.latitude: must be between -90 and 90$/);
  });

  it('reports broken JSON at its line and column, as an editor jumps to it', () => {
    const dir = withMutation('topics.json', () => null);
    writeFileSync(join(dir, 'topics.json'), '[\n  {"id": "forum",\n   "entry" "x"}\n]\n');
    expect(messageOf(dir)).toMatch(/topics\.json:3:12: not valid JSON: /);
    expect(messageOf(dir)).not.toMatch(/position/);
  });

  it('reports JSON cut short at its last line', () => {
    const dir = withMutation('topics.json', () => null);
    writeFileSync(join(dir, 'topics.json'), '[{"id": "forum",\n');
    expect(messageOf(dir)).toMatch(/topics\.json:2:1: not valid JSON: \S/);
    writeFileSync(join(dir, 'topics.json'), '[{"id": "forum"');
    expect(messageOf(dir)).toMatch(/topics\.json:1:16: not valid JSON: \S/);
  });
});
