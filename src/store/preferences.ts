import type { Lang } from '../knowledge/schema.js';

/**
 * Per-user preferences, keyed by Telegram `from.id` (not the chat: inline queries have none, and in a
 * group each member keeps their own choice). Synchronous: the SQLite driver is, and handlers stay simple.
 */
export interface PreferenceStore {
  /** The user's explicit reply language, or undefined when they never chose one. */
  getLang(userId: number): Lang | undefined;
  /** Remembers the user's explicit reply language. */
  setLang(userId: number, lang: Lang): void;
  /** The entry this user was answered last, if within CONTEXT_TTL_MS (so "and what did he say?" works). */
  getContext(userId: number): string | undefined;
  /** Remembers the entry this user was just answered. */
  setContext(userId: number, entryId: string): void;
  /** Releases the storage; the store must not be used afterwards. */
  close(): void;
}

/** How long a previous answer stays the context of a follow-up question. */
export const CONTEXT_TTL_MS = 30 * 60_000;

/** A store that lives in memory only (tests, and a fallback when no disk is wanted). */
export function createMemoryPreferenceStore(): PreferenceStore {
  const langs = new Map<number, Lang>();
  const contexts = new Map<number, { entryId: string; at: number }>();
  return {
    getLang: (userId) => langs.get(userId),
    setLang: (userId, lang) => {
      langs.set(userId, lang);
    },
    getContext: (userId) => {
      const context = contexts.get(userId);
      return context && Date.now() - context.at < CONTEXT_TTL_MS ? context.entryId : undefined;
    },
    setContext: (userId, entryId) => {
      contexts.set(userId, { entryId, at: Date.now() });
    },
    close: () => {
      langs.clear();
      contexts.clear();
    },
  };
}
