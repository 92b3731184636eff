import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import type { Lang } from '../../src/engine/types.js';
import { loadKnowledge } from '../../src/knowledge/load.js';

interface RankingTable {
  en: [string, string][];
  ru: [string, string][];
  zh: [string, string][];
  crossLang: [string, Lang, string][];
  outOfScope: string[];
}

const table = JSON.parse(
  readFileSync(new URL('./ranking-table.json', import.meta.url), 'utf8'),
) as RankingTable;
const engine = createEngine(loadKnowledge());

/** What the user would see: the id answered, or a description of the miss. */
function answered(question: string, lang?: Lang): string {
  const result = engine.ask(question, { lang });
  if (result.kind === 'answer') return result.entry.id;
  return `${result.kind} (score ${result.score})`;
}

describe('ranking table', () => {
  for (const lang of ['en', 'ru', 'zh'] as const) {
    describe(lang, () => {
      it.each(table[lang])('%s -> %s', (question, expected) => {
        expect(answered(question)).toBe(expected);
        expect(engine.ask(question).lang).toBe(lang);
      });
    });
  }

  describe('cross-language with an explicit reply language', () => {
    it.each(table.crossLang)('%s [%s] -> %s', (question, lang, expected) => {
      expect(answered(question, lang)).toBe(expected);
      expect(engine.ask(question, { lang }).lang).toBe(lang);
    });
  });

  describe('out of scope', () => {
    it.each(table.outOfScope)('%s is not answered', (question) => {
      expect(engine.ask(question).kind).not.toBe('answer');
    });
  });

  it('has at least 40 questions per language', () => {
    for (const lang of ['en', 'ru', 'zh'] as const) expect(table[lang].length).toBeGreaterThanOrEqual(40);
  });
});
