import type { Engine, EngineResult, Entry, Lang } from '../engine/types.js';
import type { Translate } from '../i18n.js';

/** A button-sized pointer to an entry. */
export interface Choice {
  id: string;
  title: string;
}

/** A reply laid out for any adapter: plain text for the CLI, HTML and buttons for Telegram. */
export interface ReplyView {
  lang: Lang;
  /** The entry answered, or null for "did you mean" and "I don't know". */
  entry: Entry | null;
  /** The answer text, or the localized lead-in of a "did you mean" / "I don't know" reply. */
  body: string;
  /** What the choices are: runners-up of an answer, "did you mean", or the topic list. */
  choicesKind: 'alternatives' | 'suggestions' | 'topics';
  /** Lead-in shown before the choices (empty when there are none). */
  choicesHeader: string;
  choices: Choice[];
}

/** The topic list as choices (each topic's overview entry), in the reply language. */
export function topicChoices(engine: Engine, lang: Lang): Choice[] {
  return engine.topics.map((topic) => ({ id: topic.entry, title: topic.label[lang] }));
}

/** The reply for one entry in one language (used for answers, topic buttons and commands). */
export function entryReply(entry: Entry, lang: Lang, t: Translate, alternatives: Choice[] = []): ReplyView {
  return {
    lang,
    entry,
    body: entry.i18n[lang].answer,
    choicesKind: 'alternatives',
    choicesHeader: alternatives.length > 0 ? t('ask.alsoRelevant') : '',
    choices: alternatives,
  };
}

/** Lays out an engine result: the answer, "did you mean" choices, or "I don't know" with the topics. */
export function buildReply(result: EngineResult, engine: Engine, t: Translate): ReplyView {
  const { lang } = result;
  switch (result.kind) {
    case 'answer': {
      const view = entryReply(result.entry, lang, t, result.alternatives);
      // "When and where?": one reply, each further part under its own title.
      const parts = result.also.map((entry) => `${entry.i18n[lang].title}\n${entry.i18n[lang].answer}`);
      return parts.length === 0 ? view : { ...view, body: [view.body, ...parts].join('\n\n') };
    }
    case 'partial':
      // Matched: false. Says first that the article lacks what was asked, then what it says on the subject.
      return {
        ...entryReply(result.entry, lang, t),
        body: `${t('ask.partial', { title: result.entry.i18n[lang].title })}\n\n${result.entry.i18n[lang].answer}`,
      };
    case 'suggestions':
      return {
        lang,
        entry: null,
        body: t('ask.didYouMean'),
        choicesKind: 'suggestions',
        choicesHeader: '',
        choices: result.suggestions,
      };
    case 'notFound':
      return {
        lang,
        entry: null,
        body: t('ask.notFound'),
        choicesKind: 'topics',
        choicesHeader: '',
        choices: topicChoices(engine, lang),
      };
  }
}

/**
 * Plain-text rendering (terminal chat and the batch CLI): body, then the choices, numbered when a number
 * picks them ("did you mean", the topics), bulleted otherwise.
 */
export function renderText(view: ReplyView): string {
  const numbered = view.choicesKind !== 'alternatives';
  const lines = view.choices.map((c, i) => (numbered ? `${i + 1}. ${c.title}` : `• ${c.title}`));
  if (lines.length === 0) return view.body;
  const head = view.choicesHeader ? `${view.body}\n\n${view.choicesHeader}` : view.body;
  return `${head}\n${lines.join('\n')}`;
}
