/**
 * Stage 4 of the pipeline (analyse -> retrieve -> decide -> compose): one reply from the decisions on
 * the whole message and on its parts. A message that asks two things ("when and where?", "какая тема и
 * кто выступал") gets both answers in one reply; a long message is answered by the part that asks.
 */
import type { Decision } from './decide.js';
import type { Ranked } from './retrieve.js';

/** The reply a message gets: one decision, with the entries that answer its other parts. */
export type Composed = Decision & { also?: Ranked[] };

/**
 * Combines the decision on the whole message with those on its parts (sentences, clauses, and one
 * variant per question word), in the order they come in the message; at most `maxParts` entries.
 */
export function compose(whole: Decision, parts: readonly Decision[], maxParts: number): Composed {
  const answers: Ranked[] = [];
  for (const d of parts)
    if (d.kind === 'answer' && !answers.some((a) => a.entry.id === d.best.entry.id)) answers.push(d.best);
  // "Hi! When was it?": small talk steps aside when a part asks about facts.
  const facts = answers.filter((a) => a.entry.kind !== 'chitchat');
  const answered = facts.length > 0 ? facts : answers;
  if (answered.length >= 2) {
    // The whole message's own answer leads when it is one of the parts' answers.
    const lead =
      whole.kind === 'answer' && answered.some((a) => a.entry.id === whole.best.entry.id)
        ? whole.best
        : (answered[0] as Ranked);
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
  return parts.find((d) => d.kind === 'partial') ?? whole;
}
