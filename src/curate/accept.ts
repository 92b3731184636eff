/**
 * Writing accepted alternate questions into knowledge/entries/<id>.json: validated with the entry schema,
 * refused when kb:check's collision check finds a new error, files written in their own format (two-space
 * JSON, a final newline).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { collisions, type Problem } from '../cli/kb-check.js';
import { createEngine } from '../engine/engine.js';
import { DEFAULT_KNOWLEDGE_DIR, type KnowledgeBase, loadKnowledge } from '../knowledge/load.js';
import { type Alternate, foldQuestion, hasQuestion, withAlternates } from '../knowledge/pending.js';
import { entrySchema } from '../knowledge/schema.js';

/** What writing alternates did: the files written and the alternates already there, or why nothing was. */
export type WriteOutcome =
  | { ok: true; written: Alternate[]; present: Alternate[]; files: string[] }
  | { ok: false; error: string };

/** Errors of kb:check's collision check over a whole knowledge base, as comparable lines. */
function collisionErrors(kb: KnowledgeBase): Map<string, Problem> {
  const engine = createEngine(kb);
  const out: Problem[] = [];
  for (const entry of kb.entries) collisions(entry, engine, out);
  return new Map(
    out.filter((p) => p.severity === 'error').map((p) => [`${p.entries[0]} ${p.path}`, p] as const),
  );
}

/**
 * Why adding these alternates must be refused: a collision kb:check would report that it does not report
 * now (another entry's question answered by this one, or the new question answered by another), as one
 * line naming the entry, the JSON path and both scores; undefined when they are fine.
 */
export function collisionRefusal(kb: KnowledgeBase, alternates: readonly Alternate[]): string | undefined {
  const errors = collisionErrors(withAlternates(kb, alternates));
  // Only when there are errors is the (equally slow) check of the knowledge base as it was needed.
  const before = errors.size > 0 ? collisionErrors(kb) : new Map<string, Problem>();
  for (const [key, problem] of errors) {
    if (!before.has(key)) return `refused: ${problem.entries[0]} ${problem.path}: ${problem.message}`;
  }
  return undefined;
}

/**
 * Adds alternate questions to their entries' files under `dir`. Nothing is written when an entry is
 * unknown, a file would not validate, or an added question makes kb:check report a collision it did not
 * before (the reason names the question and the entry that would answer it).
 */
export function writeAlternates(
  alternates: readonly Alternate[],
  dir: string = DEFAULT_KNOWLEDGE_DIR,
): WriteOutcome {
  const kb = loadKnowledge(dir);
  const unknown = alternates.find((a) => !kb.byId.has(a.entryId));
  if (unknown) return { ok: false, error: `no entry has the id "${unknown.entryId}"` };
  const present: Alternate[] = [];
  const wanted: Alternate[] = [];
  for (const a of alternates) {
    const entry = kb.byId.get(a.entryId);
    const duplicate = wanted.some(
      (w) =>
        w.entryId === a.entryId && w.lang === a.lang && foldQuestion(w.question) === foldQuestion(a.question),
    );
    if (!entry || hasQuestion(entry, a.lang, a.question) || duplicate) present.push(a);
    else wanted.push({ ...a, question: a.question.trim() });
  }
  if (wanted.length === 0) return { ok: true, written: [], present, files: [] };

  const refusal = collisionRefusal(kb, wanted);
  if (refusal) return { ok: false, error: refusal };

  const files: string[] = [];
  const contents: Array<[string, string]> = [];
  for (const id of new Set(wanted.map((a) => a.entryId))) {
    const file = join(dir, 'entries', `${id}.json`);
    const raw = JSON.parse(readFileSync(file, 'utf8')) as { i18n: Record<string, { questions: string[] }> };
    for (const a of wanted.filter((w) => w.entryId === id)) raw.i18n[a.lang]?.questions.push(a.question);
    const parsed = entrySchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return { ok: false, error: `${file}: at ${issue?.path.join('.')}: ${issue?.message ?? 'invalid'}` };
    }
    contents.push([file, `${JSON.stringify(raw, null, 2)}\n`]);
    files.push(file);
  }
  for (const [file, text] of contents) writeFileSync(file, text);
  return { ok: true, written: wanted, present, files };
}
