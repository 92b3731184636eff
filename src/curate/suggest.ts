/**
 * Active learning from traffic: the recorded signals (store/signals.ts) read per user, questions grouped by
 * the terms the engine reads in them, and for each group the entry it most likely belongs to. Pure: the
 * store is read by the callers (kb:suggest, /review).
 */
import { createHash } from 'node:crypto';
import type { Engine, EntryRef, Lang } from '../engine/types.js';
import type { PendingAlternate, Signal, SignalOutcome, SuggestionDecision } from '../store/signals.js';

/** Options of suggestGroups; DEFAULT_SUGGEST_OPTIONS holds the defaults. */
export interface SuggestOptions {
  /** A press, vote or rephrasing counts as following a question within this many milliseconds. */
  followWindowMs: number;
  /** The engine's first "did you mean" offer is proposed when it scored at least this much. */
  minRunnerUpScore: number;
  /** How many wordings of a group are shown (and accepted) per language at most. */
  maxExamplesPerLang: number;
  /** Groups decided already (accepted or rejected) are left out. */
  includeDecided: boolean;
}

export const DEFAULT_SUGGEST_OPTIONS: Readonly<SuggestOptions> = Object.freeze({
  followWindowMs: 10 * 60 * 1000,
  minRunnerUpScore: 0.3,
  maxExamplesPerLang: 3,
  includeDecided: false,
});

/** Where a proposal comes from, strongest first ("engine": the bot's own first "did you mean" offer). */
export type ProposalSource = 'press' | 'rephrase' | 'engine';

/** What a group should become. */
export type Proposal =
  | { kind: 'entry'; entryId: string; source: ProposalSource; score: number | null }
  /** The questions name things the knowledge base knows, but no entry answers them. */
  | { kind: 'new-entry' }
  /** Nothing in the knowledge base is about them. */
  | { kind: 'out-of-scope' };

/** One wording of a group's question and how often it was asked. */
export interface Example {
  text: string;
  lang: Lang;
  count: number;
}

/** Questions that read the same to the engine, and what to do with them. */
export interface SuggestionGroup {
  /** Short stable id (from the terms), for --accept, --reject and /review's buttons. */
  id: string;
  /** The analysed terms the questions share. */
  terms: string[];
  /** How many times questions of the group were asked. */
  count: number;
  /** Distinct wordings, most asked first. */
  examples: Example[];
  /** What the bot did with them, counted. */
  outcomes: Partial<Record<SignalOutcome, number>>;
  /** "Did you mean" presses after them, per chosen entry. */
  presses: Record<string, number>;
  /** How often a user asked one of them again soon after (the reply did not help). */
  repeats: number;
  proposal: Proposal;
  /** The engine's best entries for the group's most asked wording, best first. */
  ranked: EntryRef[];
  /** The decision taken already, if any. */
  decision?: SuggestionDecision;
}

interface Asked {
  signal: Extract<Signal, { type: 'question' }>;
  chosen?: string;
  downvoted?: boolean;
  rephrasedTo?: string;
  repeated?: boolean;
}

/** The group key of a question: the engine's analysed terms, sorted, each once. */
export function groupTerms(engine: Engine, text: string): string[] {
  return [...new Set(engine.explain(text, 0).terms.map((t) => t.text))].sort();
}

/** The short id of a group of terms. */
export function groupId(terms: readonly string[]): string {
  return createHash('sha256').update(terms.join('\u0000')).digest('hex').slice(0, 8);
}

/** Reads each user's signals in order: which press, vote, rephrasing or repeat followed each question. */
function follow(signals: readonly Signal[], termsOf: (text: string) => string[], windowMs: number): Asked[] {
  const byUser = new Map<string, Signal[]>();
  for (const s of signals) byUser.set(s.user, [...(byUser.get(s.user) ?? []), s]);
  const out: Asked[] = [];
  for (const list of byUser.values()) {
    list.sort((a, b) => a.at - b.at);
    let last: Asked | undefined;
    let before: Asked | undefined;
    for (const s of list) {
      const recent = last !== undefined && s.at - last.signal.at <= windowMs;
      if (s.type === 'press') {
        // A "did you mean" button, or after "I don't know" a topic of the menu it shows: the user's pick.
        const offered =
          last?.signal.outcome === 'refuse' || last?.signal.candidates.some((c) => c.id === s.entryId);
        if (last && recent && offered) last.chosen = s.entryId;
      } else if (s.type === 'vote') {
        if (s.vote === 'down' && last && last.signal.entryId === s.entryId) {
          last.downvoted = true;
          // The rephrasing that was answered is not confirmed after all.
          if (before?.rephrasedTo === s.entryId) delete before.rephrasedTo;
        }
      } else {
        const asked: Asked = { signal: s };
        if (last && recent) {
          const same = termsOf(s.text).join('\u0000') === termsOf(last.signal.text).join('\u0000');
          if (same) last.repeated = true;
          // A 👎 (or a miss) then another wording that was answered: the first one meant that entry.
          const missed = last.downvoted || (last.signal.outcome !== 'answer' && !last.chosen);
          if (!same && missed && s.outcome === 'answer' && s.entryId && s.entryId !== last.signal.entryId)
            last.rephrasedTo = s.entryId;
        }
        before = last;
        last = asked;
        out.push(asked);
      }
    }
  }
  return out;
}

/** Whether a question tells the curators something: not answered, or answered and then complained about. */
const worthReviewing = (a: Asked) =>
  a.signal.outcome === 'suggestions' ||
  a.signal.outcome === 'refuse' ||
  a.chosen !== undefined ||
  a.downvoted === true ||
  a.repeated === true ||
  (a.signal.outcome === 'partial' && a.rephrasedTo !== undefined);

const mostCommon = (counts: Map<string, number>): [string, number] | undefined =>
  [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];

/**
 * Groups the recorded questions by their terms, keeps the groups with a question worth a curator's look
 * (not answered, or answered and then complained about or asked again) and proposes an entry for each: the entry users
 * chose in "did you mean" first, then the one a rephrasing got answered by, then the engine's own first
 * offer among close scores; else "new entry needed" (it names known things) or "out of scope". Most asked first.
 */
export function suggestGroups(
  signals: readonly Signal[],
  engine: Engine,
  decisions: readonly SuggestionDecision[] = [],
  overrides: Partial<SuggestOptions> = {},
): SuggestionGroup[] {
  const options: SuggestOptions = { ...DEFAULT_SUGGEST_OPTIONS, ...overrides };
  const decided = new Map(decisions.map((d) => [d.group, d]));
  const groups = new Map<string, { terms: string[]; asked: Asked[]; wordings: Map<string, Example> }>();
  const cache = new Map<string, string[]>();
  const termsOf = (text: string) => {
    const known = cache.get(text);
    if (known) return known;
    const terms = groupTerms(engine, text);
    cache.set(text, terms);
    return terms;
  };
  for (const asked of follow(signals, termsOf, options.followWindowMs)) {
    const terms = termsOf(asked.signal.text);
    if (terms.length === 0) continue;
    const id = groupId(terms);
    const group = groups.get(id) ?? { terms, asked: [], wordings: new Map<string, Example>() };
    group.asked.push(asked);
    const text = asked.signal.text.trim();
    const lang = asked.signal.lang ?? engine.detect(text) ?? 'en';
    const key = `${lang}\n${text.toLowerCase()}`;
    const example = group.wordings.get(key) ?? { text, lang, count: 0 };
    example.count += 1;
    group.wordings.set(key, example);
    groups.set(id, group);
  }

  const out: SuggestionGroup[] = [];
  for (const [id, group] of groups) {
    // A group that was always answered without complaint has nothing to teach.
    if (!group.asked.some(worthReviewing)) continue;
    const decision = decided.get(id);
    if (decision && !options.includeDecided) continue;
    const examples = [...group.wordings.values()].sort((a, b) => b.count - a.count);
    const outcomes: Partial<Record<SignalOutcome, number>> = {};
    const presses: Record<string, number> = {};
    const rephrases = new Map<string, number>();
    const offered = new Map<string, { n: number; score: number }>();
    let repeats = 0;
    for (const a of group.asked) {
      outcomes[a.signal.outcome] = (outcomes[a.signal.outcome] ?? 0) + 1;
      if (a.chosen) presses[a.chosen] = (presses[a.chosen] ?? 0) + 1;
      if (a.rephrasedTo) rephrases.set(a.rephrasedTo, (rephrases.get(a.rephrasedTo) ?? 0) + 1);
      if (a.repeated) repeats += 1;
      // Implicit: the bot hesitated between close answers ("did you mean"); its first offer counts.
      const first = a.signal.outcome === 'suggestions' ? a.signal.candidates[0] : undefined;
      if (first) {
        const seen = offered.get(first.id) ?? { n: 0, score: 0 };
        offered.set(first.id, { n: seen.n + 1, score: Math.max(seen.score, first.score) });
      }
    }
    const top = examples[0] as Example;
    const explained = engine.explain(top.text, 5);
    const ranked = explained.ranked.filter((r) => engine.entry(r.id)?.kind !== 'chitchat');
    const pressed = mostCommon(new Map(Object.entries(presses)));
    const rephrased = mostCommon(rephrases);
    const best = [...offered].sort((a, b) => b[1].n - a[1].n || b[1].score - a[1].score)[0];
    const proposal: Proposal = pressed
      ? { kind: 'entry', entryId: pressed[0], source: 'press', score: null }
      : rephrased
        ? { kind: 'entry', entryId: rephrased[0], source: 'rephrase', score: null }
        : best && best[1].score >= options.minRunnerUpScore
          ? { kind: 'entry', entryId: best[0], source: 'engine', score: Number(best[1].score.toFixed(3)) }
          : explained.terms.some((t) => t.known && t.entity)
            ? { kind: 'new-entry' }
            : { kind: 'out-of-scope' };
    out.push({
      id,
      terms: group.terms,
      count: group.asked.length,
      examples: limitPerLang(examples, options.maxExamplesPerLang),
      outcomes,
      presses,
      repeats,
      proposal,
      ranked,
      ...(decision ? { decision } : {}),
    });
  }
  return out.sort((a, b) => b.count - a.count || a.id.localeCompare(b.id));
}

/** The alternate questions accepting a group into an entry adds: each example wording, in its language. */
export function groupAlternates(group: SuggestionGroup, entryId: string, at: number): PendingAlternate[] {
  return group.examples.map((e) => ({ entryId, lang: e.lang, question: e.text, group: group.id, at }));
}

function limitPerLang(examples: readonly Example[], max: number): Example[] {
  const seen = new Map<Lang, number>();
  return examples.filter((e) => {
    const n = seen.get(e.lang) ?? 0;
    seen.set(e.lang, n + 1);
    return n < max;
  });
}
