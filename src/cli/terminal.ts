import { createInterface } from 'node:readline';
import type { ConversationState } from '../conversation/conversation.js';
import type { EngineResult, Lang } from '../engine/types.js';
import { createI18n, translator } from '../i18n.js';
import { loadForum } from '../knowledge/load.js';
import { languageNames, parseLang } from '../language/choice.js';
import { buildReply, type ReplyView, topicChoices } from '../render/reply.js';
import { renderTerminal, wrapText } from '../render/terminal.js';
import type { AppContext } from './context.js';

/** The prompt shown before each line the user types, on a terminal only (never in piped output). */
export const PROMPT = '> ';

/** Streams the terminal chat reads from and writes to. */
export interface TerminalIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Defaults to the knowledge base in `knowledgeDir`. */
  context?: AppContext;
  /** The knowledge folder when no `context` is given. Default: the shipped knowledge/. */
  knowledgeDir?: string | undefined;
  /** Language of the chat's own messages before the user picks one or asks anything. */
  defaultLang?: Lang;
  /** Both ends are a terminal: a prompt and line editing. Default: false (piped; output stays clean). */
  tty?: boolean;
  /** Bold, coloured titles (ANSI). Default: false; main turns it on for a terminal without NO_COLOR. */
  color?: boolean;
  /**
   * Columns to wrap replies at, or a function giving the terminal's width as it is now (it may be resized
   * during the chat). Default: undefined, no wrapping.
   */
  width?: number | (() => number | undefined) | undefined;
}

/**
 * The interactive chat in the terminal: the same engine and commands a Telegram user has
 * (/help, /lang, /topics, /agreements, /speakers, /about, /quit). Reads line by line, so it also
 * works with piped input; resolves with the exit code at end of input or /quit.
 */
export async function runTerminal({
  input,
  output,
  context,
  knowledgeDir,
  defaultLang = 'en',
  tty = false,
  color = false,
  width,
}: TerminalIO): Promise<number> {
  const say = (text: string) => output.write(`${text}\n\n`);
  const columns = () => (typeof width === 'function' ? width() : width);
  const i18n = context?.i18n ?? createI18n(loadForum(knowledgeDir));
  // The banner first: building the engine takes a moment, and the user can type meanwhile.
  say(wrapText(translator(i18n, defaultLang)('terminal.welcome'), columns()));
  // The engine's modules load after it too (a good part of the start-up).
  const [{ converse, entryResult, NEW_CONVERSATION, stateAfter }, { createAppContext }] = await Promise.all([
    import('../conversation/conversation.js'),
    import('./context.js'),
  ]);
  const { engine, factCount } = context ?? createAppContext(knowledgeDir, i18n);
  const show = (view: ReplyView, titles: string[] = []) =>
    say(renderTerminal(view, { width: columns(), color }, titles));
  const names = languageNames(i18n);
  let chosen: Lang | undefined;
  // The conversation: what was answered and shown last, and the language of the last reply.
  let state: ConversationState = { ...NEW_CONVERSATION, lang: defaultLang };
  const last = (): Lang => state.lang ?? defaultLang;
  const note = (text: string) => say(wrapText(text, columns()));
  const t = () => translator(i18n, chosen ?? last());

  const topicEntry = (topicId: string) => {
    const topic = engine.topics.find((x) => x.id === topicId);
    return topic ? engine.entry(topic.entry) : undefined;
  };

  function command(name: string, arg: string): boolean {
    const lang = chosen ?? last();
    switch (name) {
      case '/quit':
      case '/exit':
        return false;
      case '/start':
      case '/help':
        note(`${t()('help.text')}\n${t()('terminal.quitHint')}`);
        break;
      case '/about':
        note(t()('about.text', { count: factCount }));
        break;
      case '/lang': {
        // The same as the bot's /lang: a code ("ru", "ru-RU") or a name in any language ("Русский").
        const picked = parseLang(arg, names);
        if (!arg) note(`${t()('language.current')}`);
        else if (picked) {
          chosen = picked;
          note(t()('language.changed'));
        } else note(t()('language.unknown', { value: arg }));
        break;
      }
      case '/topics':
        state = { ...state, shown: engine.topics.map((topic) => topic.entry) };
        // Numbered like "did you mean": typing a number picks that topic.
        show({
          lang,
          entry: null,
          body: t()('topics.title'),
          choicesKind: 'topics',
          choicesHeader: '',
          choices: topicChoices(engine, lang),
        });
        break;
      case '/agreements':
      case '/speakers': {
        const result = entryResult(engine, [topicEntry(name.slice(1))?.id ?? ''], lang);
        if (result) {
          show(buildReply(result, engine, t()), partTitles(result));
          state = stateAfter(engine, state, result);
        }
        break;
      }
      default:
        note(t()('terminal.unknownCommand', { command: name }));
    }
    return true;
  }

  const lines = createInterface({
    input,
    output: tty ? output : undefined,
    crlfDelay: Number.POSITIVE_INFINITY,
    terminal: tty,
    prompt: PROMPT,
  });
  // Ctrl+C at the prompt leaves the chat as /quit does (readline would otherwise just pause).
  lines.on('SIGINT', () => lines.close());
  const prompt = () => {
    if (tty) lines.prompt();
  };
  prompt();
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) {
      prompt();
      continue;
    }
    if (line.startsWith('/')) {
      const [name = '', arg = ''] = line.split(/\s+/, 2);
      if (!command(name.toLowerCase(), arg.toLowerCase())) break;
      prompt();
      continue;
    }
    const outcome = converse(engine, state, line, { chosen, fallbackLang: defaultLang });
    state = outcome.state;
    chosen = outcome.chosen ?? chosen;
    const { turn } = outcome;
    // "по-русски, пожалуйста" with nothing to say again switches the reply language, as /lang ru does.
    if (turn.kind === 'switched') note(translator(i18n, turn.lang)('language.changed'));
    else show(buildReply(turn.result, engine, translator(i18n, turn.result.lang)), partTitles(turn.result));
    prompt();
  }
  lines.close();
  note(t()('terminal.bye'));
  return 0;
}

/** The titles of the further parts of a several-part answer ("when and where?"), styled like the first. */
function partTitles(result: EngineResult): string[] {
  return result.kind === 'answer' ? result.also.map((entry) => entry.i18n[result.lang].title) : [];
}
