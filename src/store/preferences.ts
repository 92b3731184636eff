import type { Lang } from '../knowledge/schema.js';

/**
 * Per-user preferences, keyed by Telegram `from.id` (not the chat: inline queries have none, and in a
 * group each member keeps their own choice). Asynchronous: the shared store (Redis) is over the network.
 */
export interface PreferenceStore {
  /** The user's explicit reply language, or undefined when they never chose one. */
  getLang(userId: number): Promise<Lang | undefined>;
  /** Remembers the user's explicit reply language; resolved means stored (the bot may acknowledge it). */
  setLang(userId: number, lang: Lang): Promise<void>;
  /** The entry this user was answered last, if within CONTEXT_TTL_MS (so "and what did he say?" works). */
  getContext(userId: number): Promise<string | undefined>;
  /** Remembers the entry this user was just answered. */
  setContext(userId: number, entryId: string): Promise<void>;
  /** Releases the storage; the store must not be used afterwards. */
  close(): Promise<void>;
}

/** How long a previous answer stays the context of a follow-up question. */
export const CONTEXT_TTL_MS = 30 * 60_000;

/** A store that lives in memory only (tests, and a fallback when no disk is wanted). */
export function createMemoryPreferenceStore(): PreferenceStore {
  const langs = new Map<number, Lang>();
  const contexts = new Map<number, { entryId: string; at: number }>();
  return {
    getLang: async (userId) => langs.get(userId),
    setLang: async (userId, lang) => {
      langs.set(userId, lang);
    },
    getContext: async (userId) => {
      const context = contexts.get(userId);
      return context && Date.now() - context.at < CONTEXT_TTL_MS ? context.entryId : undefined;
    },
    setContext: async (userId, entryId) => {
      contexts.set(userId, { entryId, at: Date.now() });
    },
    close: async () => {
      langs.clear();
      contexts.clear();
    },
  };
}
