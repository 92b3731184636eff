import type { Entry, Forum, Lang, Topic } from '../knowledge/schema.js';
import type { LanguageRequest } from '../language/request.js';
import type { QueryTerm } from './retrieve.js';

export type { Entry, Lang, QueryTerm, Topic };

/** What the caller knows about the reply language. */
export interface AskOptions {
  /** The user's explicit choice; wins over everything. */
  lang?: Lang;
  /** Used when there is no explicit choice and the question's language cannot be told (e.g. "?!"). */
  fallbackLang?: Lang;
  /**
   * The entry this user was answered last, if any: a follow-up ("and what did he say?") that cannot
   * be answered on its own is tried again with that entry's names.
   */
  context?: string;
  /** The message points at `context` itself ("the first one: what will it change?"): it is a follow-up. */
  pointsAtContext?: boolean;
}

/** A reference to an entry, localized for the reply. */
export interface EntryRef {
  id: string;
  title: string;
  score: number;
}

interface ResultBase {
  /** The language the reply is in. */
  lang: Lang;
  /** The question's language, or null when it has no letters to tell by. */
  detected: Lang | null;
  /**
   * The reply language the message itself asked for ("…? Answer in Russian", "по-английски, пожалуйста"):
   * it wins over the user's choice for this reply, and a bot remembers it as the new choice.
   */
  requested?: Lang;
  /** The best match's confidence in [0, 1], or null when nothing matched at all. */
  score: number | null;
}

/** The engine's reply: pure data, no Telegram and no formatting. */
export type EngineResult =
  | (ResultBase & {
      kind: 'answer';
      entry: Entry;
      /** Entries answering the other parts of a question that asks several things ("when and where?"). */
      also: Entry[];
      /** Close runners-up worth offering as well (may be empty). */
      alternatives: EntryRef[];
    })
  | (ResultBase & {
      /**
       * The question asks about a known subject what the article does not say ("who signed the pact in
       * person?", "where was the first forum?"): the reply says so, then gives what it does say about it.
       */
      kind: 'partial';
      entry: Entry;
    })
  | (ResultBase & { kind: 'suggestions'; suggestions: EntryRef[] })
  | (ResultBase & { kind: 'notFound'; suggestions: EntryRef[] });

/** The answer engine: pure, synchronous, knows nothing of Telegram. */
export interface Engine {
  /** Answers one question. */
  ask(text: string, options?: AskOptions): EngineResult;
  /** The best entries for a query, best first (for inline mode); empty when nothing is relevant. */
  search(text: string, options?: AskOptions & { limit?: number }): { lang: Lang; hits: EntryRef[] };
  /** Why the engine answers as it does: the question's terms as the index sees them and the top entries. */
  explain(text: string, limit?: number): { terms: QueryTerm[]; ranked: EntryRef[] };
  /** The question's language, or null when it cannot be told. */
  detect(text: string): Lang | null;
  /** The entry with this id, if any. */
  entry(id: string): Entry | undefined;
  /** The reply language a message asks for in words, and the rest of it (see language/request.ts). */
  requestedLanguage(text: string): LanguageRequest | null;
  /** Topics in menu order. */
  readonly topics: readonly Topic[];
  /** The forum's date, place and map pin (knowledge/forum.json). */
  readonly forum: Forum;
  /** What the engine was built over, so a reload can say which knowledge base now answers. */
  readonly knowledge: KnowledgeInfo;
}

/** The identity and size of the knowledge an engine was built over. */
export interface KnowledgeInfo {
  /** A short hash of the entries, topics and lexicon: equal knowledge, equal version. */
  version: string;
  /** How many entries (small talk included). */
  entries: number;
  /** How many facts (entries outside small talk), as /about says. */
  facts: number;
}
