import type { KnowledgeBase } from './load.js';
import type { Entry, Lang } from './schema.js';

/** An alternate question to add to an entry, in one language. */
export interface Alternate {
  entryId: string;
  lang: Lang;
  question: string;
}

/** Folds a question for "already there?" comparisons: case, spacing and trailing punctuation. */
export const foldQuestion = (text: string): string =>
  text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\s?？!！。.]+$/u, '')
    .replace(/\s+/g, ' ')
    .trim();

/** Whether the entry already has this question in that language. */
export function hasQuestion(entry: Entry, lang: Lang, question: string): boolean {
  const folded = foldQuestion(question);
  return entry.i18n[lang].questions.some((q) => foldQuestion(q) === folded);
}

/**
 * The knowledge base with alternate questions added to their entries (copies; the input is not changed).
 * Alternates for an unknown entry, or already there, are left out.
 */
export function withAlternates(kb: KnowledgeBase, alternates: readonly Alternate[]): KnowledgeBase {
  const changed = new Map<string, Entry>();
  for (const a of alternates) {
    const entry = changed.get(a.entryId) ?? kb.byId.get(a.entryId);
    if (!entry || hasQuestion(entry, a.lang, a.question)) continue;
    const side = entry.i18n[a.lang];
    changed.set(a.entryId, {
      ...entry,
      i18n: { ...entry.i18n, [a.lang]: { ...side, questions: [...side.questions, a.question.trim()] } },
    });
  }
  if (changed.size === 0) return kb;
  const entries = kb.entries.map((e) => changed.get(e.id) ?? e);
  return { ...kb, entries, byId: new Map(entries.map((e) => [e.id, e])) };
}
