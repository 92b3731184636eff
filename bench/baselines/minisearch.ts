import MiniSearch from 'minisearch';
import type { KnowledgeBase } from '../../src/knowledge/load.js';
import type { SystemUnderTest } from '../systems.js';

/**
 * MiniSearch as its README shows it: one document per entry with its questions and answers in all three
 * languages, the default tokenizer (splits on spaces and punctuation, so unspaced Chinese stays whole),
 * fuzzy search with `fuzzy: 0.2`. Scores are BM25+ relevance, unbounded: higher is better.
 */
export const miniSearchSystem: SystemUnderTest = {
  name: 'minisearch',
  order: 'higher',
  build(kb: KnowledgeBase) {
    const index = new MiniSearch<{ id: string; questions: string; answers: string }>({
      fields: ['questions', 'answers'],
      searchOptions: { fuzzy: 0.2 },
    });
    index.addAll(
      kb.entries.map((entry) => {
        const sides = Object.values(entry.i18n);
        return {
          id: entry.id,
          questions: sides.flatMap((s) => s.questions).join('\n'),
          answers: sides.map((s) => s.answer).join('\n'),
        };
      }),
    );
    return {
      top(text) {
        const [best] = index.search(text);
        return best ? { id: String(best.id), score: best.score } : null;
      },
    };
  },
};
