import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  CONVERSATION_SETS,
  DEFAULT_EVAL_DIR,
  EVAL_SETS,
  loadConversations,
  loadEvalSets,
  questionKey,
} from '../../src/cli/eval.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../../src/knowledge/load.js';
import { LANGS } from '../../src/knowledge/schema.js';
import { normalizeText } from '../../src/language/normalize.js';

const sets = loadEvalSets();
const allCases = EVAL_SETS.flatMap((name) => sets[name].map((c) => ({ ...c, set: name })));
// Conversation turns are eval sentences too.
const turns = CONVERSATION_SETS.flatMap((name) =>
  loadConversations(join(DEFAULT_EVAL_DIR, 'conversations', name)).flatMap((c) =>
    c.turns.map((t) => ({ text: t.text, set: `conversations/${name}` })),
  ),
);

/** Every file under a folder. */
const walk = (dir: string): string[] =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

// Text compared as words: normalised, runs of punctuation and spacing as one space.
const words = (text: string) =>
  normalizeText(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();

describe('evaluation data stays separate from what the engine is built from', () => {
  const kb = loadKnowledge();

  it('no eval question is one of the knowledge base questions, keywords or titles', () => {
    const kbQuestions = new Map<string, string>();
    for (const entry of kb.entries)
      for (const side of Object.values(entry.i18n))
        for (const q of [...side.questions, ...side.keywords, side.title])
          kbQuestions.set(questionKey(q), entry.id);
    const shared = allCases
      .filter((c) => kbQuestions.has(questionKey(c.text)))
      .map((c) => `${c.set}: ${c.text} (in ${kbQuestions.get(questionKey(c.text))})`);
    expect(shared).toEqual([]);
  });

  it('no eval sentence appears in src/ (comments included), the lexicon, the knowledge base or the UI strings, as written or normalised', () => {
    // Long enough to be a sentence rather than a keyword a user and a curator may both type.
    const sentences = [...allCases, ...turns]
      .map((c) => c.text)
      .filter((t) => {
        const w = words(t);
        return (
          (w.length >= 14 && w.split(' ').length >= 4) || w.replace(/[^\p{Script=Han}]/gu, '').length >= 6
        );
      });
    const files = [
      ...walk(new URL('../../src', import.meta.url).pathname),
      ...walk(join(DEFAULT_KNOWLEDGE_DIR, 'entries')),
      join(DEFAULT_KNOWLEDGE_DIR, 'lexicon.json'),
      join(DEFAULT_KNOWLEDGE_DIR, 'topics.json'),
      ...walk(new URL('../../locales', import.meta.url).pathname),
    ];
    const leaks: string[] = [];
    for (const file of files) {
      const raw = readFileSync(file, 'utf8');
      const normalised = words(raw.replace(/\\n/g, ' '));
      for (const s of sentences)
        if (raw.includes(s) || normalised.includes(words(s))) leaks.push(`${file}: ${s}`);
    }
    expect(leaks).toEqual([]);
  });

  it('no question is in two sets, or twice in one', () => {
    const seen = new Map<string, string>();
    const twice: string[] = [];
    for (const c of allCases) {
      const key = questionKey(c.text);
      const where = seen.get(key);
      if (where) twice.push(`${c.text} (${where} and ${c.set})`);
      seen.set(key, c.set);
    }
    expect(twice).toEqual([]);
  });

  it('no ranking-table question is one of the knowledge base questions or keywords', () => {
    const kbQuestions = new Set(
      kb.entries
        .flatMap((e) => Object.values(e.i18n).flatMap((s) => [...s.questions, ...s.keywords]))
        .map(questionKey),
    );
    const table = JSON.parse(
      readFileSync(new URL('../engine/ranking-table.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown[]>;
    const questions = Object.values(table)
      .flat()
      .map((row) => (Array.isArray(row) ? String(row[0]) : String(row)));
    expect(questions.filter((q) => kbQuestions.has(questionKey(q)))).toEqual([]);
  });

  it('every eval case names entries that exist', () => {
    const unknown = allCases.filter(
      (c) =>
        (c.expect ?? []).some((id) => !kb.byId.has(id)) ||
        (c.related !== undefined && !kb.byId.has(c.related)),
    );
    expect(unknown.map((c) => c.text)).toEqual([]);
  });

  it('the sealed test set has at least 600 cases, 200 per language, 60 out of scope of which 40 near misses', () => {
    const test = sets.test;
    expect(test.length).toBeGreaterThanOrEqual(600);
    for (const lang of LANGS) expect(test.filter((c) => c.reply === lang).length).toBeGreaterThanOrEqual(200);
    expect(test.filter((c) => c.expect === null).length).toBeGreaterThanOrEqual(60);
    expect(test.filter((c) => c.style === 'oos-near').length).toBeGreaterThanOrEqual(40);
  });
});
