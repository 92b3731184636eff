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
  /** Releases the storage; the store must not be used afterwards. */
  close(): void;
}

/** A store that lives in memory only (tests, and a fallback when no disk is wanted). */
export function createMemoryPreferenceStore(): PreferenceStore {
  const langs = new Map<number, Lang>();
  return {
    getLang: (userId) => langs.get(userId),
    setLang: (userId, lang) => {
      langs.set(userId, lang);
    },
    close: () => langs.clear(),
  };
}
