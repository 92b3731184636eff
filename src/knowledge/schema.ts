import { z } from 'zod';

/** The three languages the bot speaks. */
export const LANGS = ['zh', 'ru', 'en'] as const;
export type Lang = (typeof LANGS)[number];
export const langSchema = z.enum(LANGS);

const nonEmpty = z.string().trim().min(1, 'must be a non-empty string');
const slug = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be a kebab-case slug like "forum-date"');

/** One language's side of an entry: what users may ask, and the answer. */
export const localizedEntrySchema = z.strictObject({
  /** Short label for buttons and "did you mean" lists (at most 40 characters). */
  title: nonEmpty.max(40, 'must be at most 40 characters (it labels a button)'),
  /** Alternate questions users might ask, in this language. */
  questions: z.array(nonEmpty).min(3, 'needs at least 3 alternate questions'),
  /** Keywords and short phrases (names, terms) that point to this entry. */
  keywords: z.array(nonEmpty).default([]),
  /**
   * Questions about this entry's subject that the source does not answer ("who signed it in person?"):
   * when one of them fits a question best, the reply says the article does not tell, then gives this answer.
   */
  unanswered: z.array(nonEmpty).default([]),
  /** The complete, self-contained answer (plain text, paragraphs separated by a blank line). */
  answer: nonEmpty.max(3500, 'must be at most 3500 characters so it fits one Telegram message'),
});
export type LocalizedEntry = z.infer<typeof localizedEntrySchema>;

/** One knowledge entry, as stored in knowledge/entries/<id>.json. */
export const entrySchema = z.strictObject({
  id: slug,
  topic: slug,
  kind: z.enum(['fact', 'overview', 'chitchat']).default('fact'),
  /** Ids of entries worth offering as follow-ups. */
  related: z.array(slug).default([]),
  /**
   * For an answer that lists things (the agreements, the speakers): the entries it names, in its order,
   * so that "the second one", "второе", "第二个" pick one.
   */
  items: z.array(slug).default([]),
  /** The article sentence(s) the answer comes from, quoted verbatim (empty only for chit-chat). */
  source: z.array(nonEmpty).default([]),
  /** Whether the answer is about the venue, so the bot also sends a map pin. */
  venue: z.boolean().default(false),
  i18n: z.strictObject({ zh: localizedEntrySchema, ru: localizedEntrySchema, en: localizedEntrySchema }),
});
export type Entry = z.infer<typeof entrySchema>;

/** knowledge/topics.json: the topics in menu order, each with its overview entry and labels. */
export const topicsSchema = z.array(
  z.strictObject({
    id: slug,
    /** The entry that answers the topic as a whole (shown by /topics buttons). */
    entry: slug,
    label: z.strictObject({ zh: nonEmpty, ru: nonEmpty, en: nonEmpty }),
  }),
);
export type Topic = z.infer<typeof topicsSchema>[number];

/** knowledge/lexicon.json: language data the matcher uses. */
export const lexiconSchema = z.strictObject({
  /** Words that carry no meaning for matching, per language (after normalisation). */
  stopwords: z.strictObject({ zh: z.array(nonEmpty), ru: z.array(nonEmpty), en: z.array(nonEmpty) }),
  /**
   * Groups of words and phrases that mean the same thing across languages and spellings
   * (e.g. Beijing / Пекин / 北京). Each group is folded to one concept when matching.
   */
  synonyms: z.array(z.array(nonEmpty).min(2, 'a synonym group needs at least 2 members')),
  /**
   * Synonym groups (named by their first member) that only say what kind of answer is wanted
   * ("when", "where", "who"): an answer must cover the rest of the question, not just these.
   */
  questionWords: z.array(nonEmpty).default([]),
  /**
   * Synonym groups (named by their first member) that ask for a summary or a list ("overview", "list"):
   * they favour overview entries instead of counting as a topic.
   */
  overviewWords: z.array(nonEmpty).default([]),
  /**
   * Synonym groups (named by their first member) for what the source does not tell (other editions of
   * the forum, attendance figures): a question about them is not answered, however well the rest matches.
   */
  unanswerable: z.array(nonEmpty).default([]),
  /**
   * Synonym groups (named by their first member) for subjects far from the forum (weather, jokes, poems,
   * recipes, code, sums): a question about them is refused plainly, whatever else it names.
   */
  offTopic: z.array(nonEmpty).default([]),
  /**
   * Synonym groups (named by their first member) that open a conversation ("hello"): when the message
   * also asks about something, it is that question that gets answered ("Hi! Tell me about the forum").
   */
  greetingWords: z.array(nonEmpty).default([]),
  /**
   * Synonym groups (named by their first member) that refer back to what was just answered ("he",
   * "она", "他说"): such a question borrows the previous answer's names. They are not matched as topics.
   */
  followUpWords: z.array(nonEmpty).default([]),
});
export type Lexicon = z.infer<typeof lexiconSchema>;

/** The lexicon's lists of role groups, and the role each gives its groups' concepts in a question. */
export const LEXICON_ROLES = {
  questionWords: 'question',
  overviewWords: 'overview',
  unanswerable: 'unanswerable',
  offTopic: 'offTopic',
  greetingWords: 'greeting',
  followUpWords: 'followUp',
} as const;
export type LexiconRole = (typeof LEXICON_ROLES)[keyof typeof LEXICON_ROLES];

const perLang = z.strictObject({ zh: nonEmpty, ru: nonEmpty, en: nonEmpty });

/**
 * knowledge/forum.json: when and where the forum took place, and the article's headline. The UI
 * strings ({{date}}, {{city}}, {{venue}}, {{address}}, {{article}}) and the map pin take these from here, so a curator corrects them in one place.
 */
export const forumSchema = z.strictObject({
  /** The headline of the news article every answer comes from (knowledge/source/article.txt), as /about quotes it. */
  article: nonEmpty,
  /** The day the forum took place; each language writes it its own way ("14 August 2025", "2025年8月14日"). */
  date: z.iso.date('must be a date written YYYY-MM-DD, like "2025-08-14"'),
  /** The city, as a sentence names it in each language. */
  city: perLang,
  venue: z.strictObject({
    /** The building, as a sentence names it in each language (also the map pin's title). */
    name: perLang,
    /** The street address shown under the map pin, in each language. */
    address: perLang,
    /** Where the map pin goes (WGS 84 degrees). */
    latitude: z.number().min(-90, 'must be between -90 and 90').max(90, 'must be between -90 and 90'),
    longitude: z.number().min(-180, 'must be between -180 and 180').max(180, 'must be between -180 and 180'),
  }),
});
export type Forum = z.infer<typeof forumSchema>;
