import { createHash } from 'node:crypto';
import type { Engine } from '../engine/types.js';
import type { Logger } from '../logger.js';

/** What reload() did: the new engine's version (e.g. a content hash), or why the old one kept serving. */
export type ReloadOutcome = { ok: true; version: string; entries: number } | { ok: false; error: string };

/** Options of createLiveEngine: how to build an engine (load knowledge/ files and anything else). */
export interface LiveEngineOptions {
  build: () => Promise<Engine>;
  logger?: Logger;
}

/** An engine that can be replaced while the bot runs; in-flight questions finish on the engine they started with. */
export interface LiveEngine {
  /** The engine answering now. */
  current(): Engine;
  /** Rebuilds with build(); on failure keeps the current engine and returns the loader's message. */
  reload(reason: string): Promise<ReloadOutcome>;
}

/**
 * A version for an engine: a hash of the entries it serves (reached from the topics through related and
 * items, as the engine lists no entries), and how many those are.
 */
function versionOf(engine: Engine): { version: string; entries: number } {
  const hash = createHash('sha256');
  const seen = new Set<string>();
  const todo = engine.topics.map((t) => t.entry);
  for (let id = todo.pop(); id !== undefined; id = todo.pop()) {
    const entry = engine.entry(id);
    if (!entry || seen.has(id)) continue;
    seen.add(id);
    todo.push(...entry.related, ...entry.items);
  }
  for (const id of [...seen].sort()) hash.update(JSON.stringify(engine.entry(id)));
  return { version: hash.digest('hex').slice(0, 12), entries: seen.size };
}

/** Builds the first engine (a failure rejects: the bot cannot start without one), then serves it. */
export async function createLiveEngine(options: LiveEngineOptions): Promise<LiveEngine> {
  let engine = await options.build();
  // One rebuild at a time; a reload asked meanwhile waits for it, then builds again.
  let queue: Promise<unknown> = Promise.resolve();
  return {
    current: () => engine,
    reload(reason) {
      const run = queue.then(async (): Promise<ReloadOutcome> => {
        try {
          const next = await options.build();
          engine = next;
          const outcome = { ok: true as const, ...versionOf(next) };
          options.logger?.info({ reason, version: outcome.version }, 'knowledge reloaded');
          return outcome;
        } catch (error) {
          const message = error instanceof Error ? error.message : String(error);
          options.logger?.warn({ reason, err: error }, 'knowledge reload failed; the previous one serves');
          return { ok: false as const, error: message };
        }
      });
      queue = run;
      return run;
    },
  };
}
