import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { z } from 'zod';
import { jsonErrorOffset } from './json-position.js';
import {
  type Entry,
  entrySchema,
  type Forum,
  forumSchema,
  LEXICON_ROLES,
  type Lexicon,
  lexiconSchema,
  type Topic,
  topicsSchema,
} from './schema.js';

/** The shipped knowledge base folder (knowledge/ at the repository root). */
export const DEFAULT_KNOWLEDGE_DIR = fileURLToPath(new URL('../../knowledge', import.meta.url));

/** Topic id of entries that are small talk rather than facts; not listed in topics.json. */
export const CHITCHAT_TOPIC = 'chitchat';

/** How many facts a knowledge base holds (its entries outside small talk), as /about says in every adapter. */
export const countFacts = (entries: readonly Entry[]): number =>
  entries.filter((e) => e.topic !== CHITCHAT_TOPIC).length;

/** The loaded, validated knowledge base. */
export interface KnowledgeBase {
  entries: Entry[];
  byId: ReadonlyMap<string, Entry>;
  topics: Topic[];
  lexicon: Lexicon;
  /** When and where the forum took place (knowledge/forum.json). */
  forum: Forum;
}

/** A knowledge file that cannot be used; the message names the file, the JSON path and what was expected. */
export class KnowledgeError extends Error {
  override name = 'KnowledgeError';
}

function formatPath(path: readonly PropertyKey[]): string {
  if (path.length === 0) return '(root)';
  return path
    .map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i === 0 ? '' : '.'}${String(p)}`))
    .join('');
}

/**
 * Where a file stops being JSON, as file:line:column (what editors jump to), and why, without the offset
 * JSON.parse may add ("at position 4226"; Node 22: "(line 120 column 5)").
 */
export function jsonSyntaxError(shown: string, text: string, error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const offset = jsonErrorOffset(text);
  const reason = message
    .replace(/\s*in JSON at position \d+/, '')
    .replace(/\s*\(line \d+ column \d+\)/, '')
    .trim();
  if (offset === undefined) return `${shown}: not valid JSON: ${reason}`;
  const before = text.slice(0, offset).split('\n');
  const line = before.length;
  const column = (before.at(-1)?.length ?? 0) + 1;
  return `${shown}:${line}:${column}: not valid JSON: ${reason}`;
}

function parseFile<T extends z.ZodType>(file: string, schema: T): z.output<T> {
  const shown = relative(process.cwd(), file) || file;
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new KnowledgeError(`${shown}: cannot be read (${(error as NodeJS.ErrnoException).code ?? error})`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new KnowledgeError(jsonSyntaxError(shown, text, error));
  }
  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue ? formatPath(issue.path) : '(root)';
    throw new KnowledgeError(`${shown}: at ${where}: ${issue?.message ?? 'invalid'}`);
  }
  return parsed.data;
}

/** Loads and validates <dir>/forum.json (the forum's date and venue); throws KnowledgeError. */
export function loadForum(dir: string = DEFAULT_KNOWLEDGE_DIR): Forum {
  return parseFile(join(resolve(dir), 'forum.json'), forumSchema);
}

/**
 * Loads and validates knowledge/ (entries/*.json, topics.json, lexicon.json, forum.json); throws
 * KnowledgeError.
 */
export function loadKnowledge(dir: string = DEFAULT_KNOWLEDGE_DIR): KnowledgeBase {
  const root = resolve(dir);
  const entriesDir = join(root, 'entries');
  let files: string[];
  try {
    files = readdirSync(entriesDir)
      .filter((f) => f.endsWith('.json'))
      .sort();
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // A mistyped folder says so, rather than that something inside it is unreadable.
    if (code === 'ENOENT' && !existsSync(root)) throw new KnowledgeError(`${dir}: no such folder`);
    throw new KnowledgeError(`${entriesDir}: cannot read the entries folder (${code ?? error})`);
  }
  if (files.length === 0) throw new KnowledgeError(`${entriesDir}: no entries (*.json) found`);

  const byId = new Map<string, Entry>();
  const fileOf = new Map<string, string>();
  for (const f of files) {
    const file = join(entriesDir, f);
    const entry = parseFile(file, entrySchema);
    const shown = relative(process.cwd(), file) || file;
    if (basename(f, '.json') !== entry.id) {
      throw new KnowledgeError(`${shown}: at id: must match the file name ("${basename(f, '.json')}")`);
    }
    const other = fileOf.get(entry.id);
    if (other) throw new KnowledgeError(`${shown}: at id: "${entry.id}" is already used by ${other}`);
    byId.set(entry.id, entry);
    fileOf.set(entry.id, shown);
  }

  const topicsFile = join(root, 'topics.json');
  const topics = parseFile(topicsFile, topicsSchema);
  const lexicon = parseFile(join(root, 'lexicon.json'), lexiconSchema);
  const forum = loadForum(root);
  const topicIds = new Set(topics.map((t) => t.id));
  const heads = new Set(lexicon.synonyms.map((group) => group[0]));
  for (const field of Object.keys(LEXICON_ROLES) as (keyof typeof LEXICON_ROLES)[]) {
    lexicon[field].forEach((head, i) => {
      if (!heads.has(head)) {
        const shown = relative(process.cwd(), join(root, 'lexicon.json'));
        throw new KnowledgeError(
          `${shown}: at ${field}[${i}]: "${head}" is not the first member of a synonym group`,
        );
      }
    });
  }

  for (const entry of byId.values()) {
    const shown = fileOf.get(entry.id) ?? entry.id;
    if (entry.topic !== CHITCHAT_TOPIC && !topicIds.has(entry.topic)) {
      throw new KnowledgeError(`${shown}: at topic: "${entry.topic}" is not a topic in topics.json`);
    }
    for (const field of ['related', 'items'] as const) {
      entry[field].forEach((id, i) => {
        if (!byId.has(id))
          throw new KnowledgeError(`${shown}: at ${field}[${i}]: no entry has the id "${id}"`);
      });
    }
  }
  topics.forEach((topic, i) => {
    if (!byId.has(topic.entry)) {
      const shown = relative(process.cwd(), topicsFile) || topicsFile;
      throw new KnowledgeError(`${shown}: at [${i}].entry: no entry has the id "${topic.entry}"`);
    }
  });

  return { entries: [...byId.values()], byId, topics, lexicon, forum };
}
