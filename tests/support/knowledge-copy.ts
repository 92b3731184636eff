import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_KNOWLEDGE_DIR } from '../../src/knowledge/load.js';
import type { Lang } from '../../src/knowledge/schema.js';

/**
 * A question nothing in the shipped knowledge base answers (a made-up name), which answers forum-date once
 * addQuestion has added it to that entry.
 */
export const NEW_QUESTION = 'Who won the Quillmere trophy?';
/** The entry NEW_QUESTION is added to. */
export const NEW_QUESTION_ENTRY = 'forum-date';

/** Copies what the loader reads of knowledge/ (entries, topics, lexicon, forum facts) into `dir`; returns `dir`. */
export function copyKnowledge(dir: string): string {
  for (const part of ['entries', 'topics.json', 'lexicon.json', 'forum.json']) {
    cpSync(join(DEFAULT_KNOWLEDGE_DIR, part), join(dir, part), { recursive: true });
  }
  return dir;
}

/** The file of an entry in a knowledge folder. */
export const entryFile = (dir: string, id: string) => join(dir, 'entries', `${id}.json`);

/** Adds an alternate question to an entry, as a curator editing its file would. */
export function addQuestion(dir: string, id: string, lang: Lang, question: string): void {
  const file = entryFile(dir, id);
  const entry = JSON.parse(readFileSync(file, 'utf8')) as {
    i18n: Record<Lang, { questions: string[] }>;
  };
  entry.i18n[lang].questions.push(question);
  writeFileSync(file, `${JSON.stringify(entry, null, 2)}\n`);
}

/** Overwrites an entry's file with `text` (say, half-written JSON); returns what it held. */
export function overwriteEntry(dir: string, id: string, text: string): string {
  const file = entryFile(dir, id);
  const before = readFileSync(file, 'utf8');
  writeFileSync(file, text);
  return before;
}
