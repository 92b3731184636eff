/**
 * Stage 3 of the pipeline (analyse -> retrieve -> decide -> compose): what to do with a ranking. Answer
 * when the best entry fits well; say honestly that the article does not tell
 * when the question fits an entry's unanswered questions better than its answered ones, or asks what the
 * source never tells (other editions, attendance); offer "did you mean" only between entries the question
 * is really about; otherwise refuse.
 */
import type { MatcherOptions } from './options.js';
import type { Query, Ranked } from './retrieve.js';

/** What the engine does with one question. */
export type Decision =
  | { kind: 'answer'; best: Ranked; alternatives: Ranked[] }
  | { kind: 'partial'; best: Ranked }
  | { kind: 'suggestions'; best: Ranked; suggestions: Ranked[] }
  | { kind: 'refuse'; best?: Ranked };

/** Share of a query's weight in words the knowledge base does not know (not common words of the language). */
export function unknownShare(query: Query): number {
  let total = 0;
  let unknown = 0;
  for (const t of query.terms) {
    total += t.weight;
    if (!t.known) unknown += t.weight;
  }
  return total === 0 ? 0 : unknown / total;
}

/** Decides between answer, partial, "did you mean" and refusal for a ranked query. */
export function decide(ranked: readonly Ranked[], query: Query, options: MatcherOptions): Decision {
  const best = ranked[0];
  if (!best) return { kind: 'refuse' };
  const { terms } = query;
  // Weather, a poem, a sum: refused plainly, never a forum answer and never "did you mean".
  if (terms.some((t) => t.role === 'offTopic')) return { kind: 'refuse', best };
  // The best fit among the questions the article leaves open ("who signed it in person?"), about a
  // subject the knowledge base knows.
  let open: Ranked | undefined;
  for (const r of ranked) if (r.gap > (open?.gap ?? 0) && r.score > 0) open = r;
  if (open && open.gap >= options.partialThreshold && open.gap >= best.score + options.partialMargin)
    return { kind: 'partial', best: open };
  // Asking what the source never tells (the next forum, how many came) about a subject it knows.
  if (terms.some((t) => t.role === 'unanswerable'))
    return best.score >= options.suggestThreshold ? { kind: 'partial', best } : { kind: 'refuse', best };

  if (best.score >= options.answerThreshold) {
    const alternatives = ranked
      .slice(1, options.maxSuggestions)
      .filter((r) => r.score >= options.answerThreshold && best.score - r.score <= options.alternativeMargin);
    return { kind: 'answer', best, alternatives };
  }
  // "Did you mean" only when the question is about what the knowledge base knows: words it has never
  // seen ("weather", "poem") say the question is about something else.
  if (best.score >= options.suggestThreshold && unknownShare(query) <= options.maxSuggestUnknownShare) {
    const suggestions = ranked
      .slice(0, options.maxSuggestions)
      .filter((r) => r.score >= options.suggestThreshold);
    return { kind: 'suggestions', best, suggestions };
  }
  return { kind: 'refuse', best };
}
