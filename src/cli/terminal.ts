import { createInterface } from 'node:readline';
import {
  type ConversationState,
  converse,
  entryResult,
  NEW_CONVERSATION,
  stateAfter,
} from '../conversation/conversation.js';
import type { Lang } from '../engine/types.js';
import { translator } from '../i18n.js';
import { languageNames, parseLang } from '../language/choice.js';
import { buildReply, renderText, topicChoices } from '../render/reply.js';
import { type AppContext, createAppContext } from './context.js';

/** Streams the terminal chat reads from and writes to. */
export interface TerminalIO {
  input: NodeJS.ReadableStream;
  output: NodeJS.WritableStream;
  /** Defaults to the shipped knowledge base. */
  context?: AppContext;
  /** Language of the chat's own messages before the user picks one or asks anything. */
  defaultLang?: Lang;
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
  defaultLang = 'en',
}: TerminalIO): Promise<number> {
  const { engine, i18n, factCount } = context ?? createAppContext();
  const names = languageNames(i18n);
  let chosen: Lang | undefined;
  // The conversation: what was answered and shown last, and the language of the last reply.
  let state: ConversationState = { ...NEW_CONVERSATION, lang: defaultLang };
  const last = (): Lang => state.lang ?? defaultLang;
  const say = (text: string) => output.write(`${text}\n\n`);
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
        say(`${t()('help.text')}\n${t()('terminal.quitHint')}`);
        break;
      case '/about':
        say(t()('about.text', { count: factCount }));
        break;
      case '/lang': {
        // The same as the bot's /lang: a code ("ru", "ru-RU") or a name in any language ("Русский").
        const picked = parseLang(arg, names);
        if (!arg) say(`${t()('language.current')}`);
        else if (picked) {
          chosen = picked;
          say(t()('language.changed'));
        } else say(t()('language.unknown', { value: arg }));
        break;
      }
      case '/topics':
        state = { ...state, shown: engine.topics.map((topic) => topic.entry) };
        say(
          `${t()('topics.title')}\n${topicChoices(engine, lang)
            .map((c) => `• ${c.title}`)
            .join('\n')}`,
        );
        break;
      case '/agreements':
      case '/speakers': {
        const result = entryResult(engine, [topicEntry(name.slice(1))?.id ?? ''], lang);
        if (result) {
          say(renderText(buildReply(result, engine, t())));
          state = stateAfter(engine, state, result);
        }
        break;
      }
      default:
        say(t()('terminal.unknownCommand', { command: name }));
    }
    return true;
  }

  say(translator(i18n, defaultLang)('terminal.welcome'));
  const lines = createInterface({ input, crlfDelay: Number.POSITIVE_INFINITY, terminal: false });
  for await (const raw of lines) {
    const line = raw.trim();
    if (!line) continue;
    if (line.startsWith('/')) {
      const [name = '', arg = ''] = line.split(/\s+/, 2);
      if (!command(name.toLowerCase(), arg.toLowerCase())) break;
      continue;
    }
    const outcome = converse(engine, state, line, { chosen, fallbackLang: defaultLang });
    state = outcome.state;
    chosen = outcome.chosen ?? chosen;
    const { turn } = outcome;
    // "по-русски, пожалуйста" with nothing to say again switches the reply language, as /lang ru does.
    if (turn.kind === 'switched') say(translator(i18n, turn.lang)('language.changed'));
    else say(renderText(buildReply(turn.result, engine, translator(i18n, turn.result.lang))));
  }
  lines.close();
  say(t()('terminal.bye'));
  return 0;
}
