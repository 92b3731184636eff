import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { DEFAULT_EVAL_DIR, loadEvalSet } from '../../src/cli/eval.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { normalizeText } from '../../src/language/normalize.js';

// Questions compared as a user's words: normalised, punctuation and spacing ignored.
const key = (text: string) => normalizeText(text).replace(/[^\p{L}\p{N}]+/gu, '');

describe('evaluation data stays separate from the knowledge base', () => {
  const kb = loadKnowledge();
  const kbQuestions = new Map<string, string>();
  for (const entry of kb.entries) {
    for (const side of Object.values(entry.i18n)) {
      for (const q of [...side.questions, ...side.keywords, side.title]) kbQuestions.set(key(q), entry.id);
    }
  }

  const allCases = () => [
    ...loadEvalSet(),
    ...loadEvalSet(join(DEFAULT_EVAL_DIR, 'holdout')),
    ...loadEvalSet(join(DEFAULT_EVAL_DIR, 'dev')),
  ];

  it('no eval question (main, held-out or development set) is one of the knowledge base questions or keywords', () => {
    const shared = allCases()
      .filter((c) => kbQuestions.has(key(c.text)))
      .map((c) => `${c.text} (in ${kbQuestions.get(key(c.text))})`);
    expect(shared).toEqual([]);
  });

  it('no ranking-table question is one of the knowledge base questions or keywords', () => {
    const table = JSON.parse(
      readFileSync(new URL('../engine/ranking-table.json', import.meta.url), 'utf8'),
    ) as Record<string, unknown[]>;
    const questions = Object.values(table)
      .flat()
      .map((row) => (Array.isArray(row) ? String(row[0]) : String(row)));
    expect(questions.filter((q) => kbQuestions.has(key(q)))).toEqual([]);
  });

  it('every eval case names an entry that exists', () => {
    const unknown = allCases().filter((c) => c.expect !== null && !kb.byId.has(c.expect));
    expect(unknown).toEqual([]);
  });

  it('has at least 120 in-scope questions per language and 60 out-of-scope', () => {
    const cases = loadEvalSet();
    for (const lang of ['zh', 'ru', 'en']) {
      expect(
        cases.filter((c) => c.expect !== null && c.file === `${lang}.jsonl`).length,
      ).toBeGreaterThanOrEqual(120);
    }
    expect(cases.filter((c) => c.expect === null).length).toBeGreaterThanOrEqual(60);
  });
});
