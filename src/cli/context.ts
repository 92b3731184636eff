import { createEngine } from '../engine/engine.js';
import type { Engine } from '../engine/types.js';
import { createI18n } from '../i18n.js';
import { countFacts, loadKnowledge } from '../knowledge/load.js';

/** What every adapter needs: the engine over the shipped knowledge base and the UI strings. */
export interface AppContext {
  engine: Engine;
  i18n: ReturnType<typeof createI18n>;
  /** How many facts the knowledge base holds (for /about). */
  factCount: number;
}

/** Loads the knowledge base (the shipped one by default) and locales (unless given `i18n`) and builds the engine. */
export function createAppContext(knowledgeDir?: string, i18n?: AppContext['i18n']): AppContext {
  const kb = loadKnowledge(knowledgeDir);
  return { engine: createEngine(kb), i18n: i18n ?? createI18n(kb.forum), factCount: countFacts(kb.entries) };
}

/** Where a CLI writes; the process's streams by default, a buffer in tests. */
export interface CliIO {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}
