import { createEngine } from '../src/engine/engine.js';
import type { KnowledgeBase } from '../src/knowledge/load.js';
import type { Lang } from '../src/knowledge/schema.js';

/** The best entry a system found for a question, with the system's own raw score. */
export interface Hit {
  id: string;
  score: number;
}

/**
 * How a raw score decides "answer": `lower` and `higher` are thresholded by the bench (the threshold is
 * chosen on the dev set), `decided` means the system answers or declines by itself (the engine).
 */
export type ScoreOrder = 'lower' | 'higher' | 'decided';

/** A built index: the best hit for a question, or null when the system has nothing to offer. */
export interface Searcher {
  top(text: string, lang?: Lang): Hit | null;
}

/** A system under test: how to build its index over a knowledge base. */
export interface SystemUnderTest {
  name: string;
  order: ScoreOrder;
  build(kb: KnowledgeBase): Searcher;
}

/** The answer engine, exactly as the bot calls it: an entry when it answers, null otherwise. */
export const engineSystem: SystemUnderTest = {
  name: 'engine',
  order: 'decided',
  build(kb) {
    const engine = createEngine(kb);
    return {
      top(text, lang) {
        const result = engine.ask(text, lang ? { lang } : {});
        return result.kind === 'answer' ? { id: result.entry.id, score: result.score ?? 0 } : null;
      },
    };
  },
};
