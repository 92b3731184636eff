import Fuse from 'fuse.js';
import type { KnowledgeBase } from '../../src/knowledge/load.js';
import type { SystemUnderTest } from '../systems.js';

/**
 * Plain Fuse.js the way its README shows it: one index over every entry's questions and answers in all
 * three languages, default options (threshold 0.6, location 0, distance 100), `includeScore` so the top
 * hit can be thresholded. Fuse scores run from 0 (perfect) to 1 (no match): lower is better.
 */
export const fusePlainSystem: SystemUnderTest = {
  name: 'fuse-plain',
  order: 'lower',
  build(kb: KnowledgeBase) {
    const docs = kb.entries.map((entry) => {
      const sides = Object.values(entry.i18n);
      return {
        id: entry.id,
        questions: sides.flatMap((s) => s.questions),
        answers: sides.map((s) => s.answer),
      };
    });
    const fuse = new Fuse(docs, { keys: ['questions', 'answers'], includeScore: true });
    return {
      top(text) {
        const [best] = fuse.search(text, { limit: 1 });
        return best ? { id: best.item.id, score: best.score ?? 1 } : null;
      },
    };
  },
};
