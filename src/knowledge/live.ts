import { createEngine } from '../engine/engine.js';
import type { Engine } from '../engine/types.js';
import type { Logger } from '../logger.js';
import { loadKnowledge } from './load.js';

/** What reload() did: the new engine's version (e.g. a content hash), or why the old one kept serving. */
export type ReloadOutcome = { ok: true; version: string; entries: number } | { ok: false; error: string };

/** Options of createLiveEngine: how to build an engine (load knowledge/ files and anything else). */
export interface LiveEngineOptions {
  /** Builds a fresh engine; a rejection (a KnowledgeError naming the file and JSON path) refuses the reload. */
  build: () => Promise<Engine>;
  /** Where reloads are logged (info when applied, warn when refused); default: not logged. */
  logger?: Logger;
}

/** An engine that can be replaced while the bot runs; in-flight questions finish on the engine they started with. */
export interface LiveEngine {
  /** The engine answering now. */
  current(): Engine;
  /** Rebuilds with build(); on failure keeps the current engine and returns the loader's message. */
  reload(reason: string): Promise<ReloadOutcome>;
}

/** A build() that reads a knowledge folder (default: the shipped knowledge/) afresh each time. */
export function knowledgeBuilder(dir?: string): () => Promise<Engine> {
  return async () => createEngine(loadKnowledge(dir));
}

/** A LiveEngine that always answers with the same engine (tests, and adapters that never reload). */
export function fixedLiveEngine(engine: Engine): LiveEngine {
  return {
    current: () => engine,
    reload: async () => ({ ok: true, version: engine.knowledge.version, entries: engine.knowledge.entries }),
  };
}

/**
 * Builds the first engine (a failure rejects: the bot must not start without knowledge) and returns a
 * LiveEngine over it. The swap is one assignment: an update takes current() once at its start, so it
 * finishes on the engine it began with, and updates arriving during a rebuild are answered by the old
 * engine rather than held. Reloads run one at a time; one asked for during another runs after it, so
 * the files read are never older than the request.
 */
export async function createLiveEngine(options: LiveEngineOptions): Promise<LiveEngine> {
  const { build, logger } = options;
  let engine = await build();
  let queue: Promise<unknown> = Promise.resolve();

  const rebuild = async (reason: string): Promise<ReloadOutcome> => {
    const started = Date.now();
    const previous = engine.knowledge.version;
    try {
      const next = await build();
      engine = next;
      const { version, entries } = next.knowledge;
      logger?.info(
        { reason, version, previous, entries, ms: Date.now() - started },
        'knowledge base reloaded',
      );
      return { ok: true, version, entries };
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      logger?.warn(
        { reason, version: previous, error: message },
        'knowledge base not reloaded; the previous one keeps serving',
      );
      return { ok: false, error: message };
    }
  };

  return {
    current: () => engine,
    reload(reason) {
      const outcome = queue.then(() => rebuild(reason));
      queue = outcome;
      return outcome;
    },
  };
}
