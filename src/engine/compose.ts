/**
 * Stage 4 of the pipeline (analyse -> retrieve -> decide -> compose): one reply from the decisions on
 * the whole message and on its parts. A message that asks two things ("when and where?", "какая тема и
 * кто выступал") gets both answers in one reply; a long message is answered by the part that asks.
 */
import type { Decision } from './decide.js';
import type { Ranked } from './retrieve.js';

/** The reply a message gets: one decision, with the entries that answer its other parts. */
export type Composed = Decision & { also?: Ranked[] };

/** The decision on a part of a message, and whether the part asks something (see analyse). */
export interface PartDecision {
  decision: Decision;
  asks: boolean;
}

/**
 * Combines the decision on the whole message with those on its parts (sentences, clauses, and one
 * variant per question word), in the order they come in the message; at most `maxParts` entries.
 */
export function compose(whole: Decision, parts: readonly PartDecision[], maxParts: number): Composed {
  const answers: Ranked[] = [];
  const asked = new Set<string>();
  for (const { decision: d, asks } of parts) {
    if (d.kind !== 'answer') continue;
    if (asks) asked.add(d.best.entry.id);
    if (!answers.some((a) => a.entry.id === d.best.entry.id)) answers.push(d.best);
  }
  // "Hi, the date please": small talk steps aside when a part is about facts, unless a part asks for it
  // ("what can you do, and when was the forum?"): then it comes after the facts.
  const facts = answers.filter((a) => a.entry.kind !== 'chitchat');
  const talk = answers.filter((a) => a.entry.kind === 'chitchat' && asked.has(a.entry.id));
  const answered = facts.length > 0 ? [...facts, ...talk] : answers;
  if (answered.length >= 2) {
    // The whole message's own answer leads when it is one of the parts' facts.
    const leads = facts.length > 0 ? facts : answers;
    const lead =
      whole.kind === 'answer' && leads.some((a) => a.entry.id === whole.best.entry.id)
        ? whole.best
        : (leads[0] as Ranked);
    const also = answered.filter((a) => a.entry.id !== lead.entry.id).slice(0, maxParts - 1);
    return { kind: 'answer', best: lead, alternatives: [], also };
  }
  const [one] = answered;
  if (whole.kind === 'partial' || whole.kind === 'answer') {
    // Small talk as the whole message's answer ("Hello! Where did it take place?") gives way to a part that asks.
    const talk = whole.kind === 'answer' && whole.best.entry.kind === 'chitchat';
    if (!one || whole.kind === 'partial' || (whole.best.score >= one.score && !talk)) return whole;
  }
  if (one) return { kind: 'answer', best: one, alternatives: [] };
  return parts.find((p) => p.decision.kind === 'partial')?.decision ?? whole;
}
