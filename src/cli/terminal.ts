import { createInterface } from 'node:readline';
import type { Lang } from '../engine/types.js';
import { translator } from '../i18n.js';
import { LANGS } from '../knowledge/schema.js';
import { languageRequest } from '../language/request.js';
import { buildReply, entryReply, renderText, topicChoices } from '../render/reply.js';
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

const isLang = (value: string): value is Lang => (LANGS as readonly string[]).includes(value);

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
  const { engine, i18n, entryCount } = context ?? createAppContext();
  let chosen: Lang | undefined;
  let last: Lang = defaultLang;
  // The entry answered last, so a follow-up ("and where?") can be understood.
  let previous: string | undefined;
  const say = (text: string) => output.write(`${text}\n\n`);
  const t = () => translator(i18n, chosen ?? last);

  const topicEntry = (topicId: string) => {
    const topic = engine.topics.find((x) => x.id === topicId);
    return topic ? engine.entry(topic.entry) : undefined;
  };

  function command(name: string, arg: string): boolean {
    const lang = chosen ?? last;
    switch (name) {
      case '/quit':
      case '/exit':
        return false;
      case '/start':
      case '/help':
        say(`${t()('help.text')}\n${t()('terminal.quitHint')}`);
        break;
      case '/about':
        say(t()('about.text', { count: entryCount }));
        break;
      case '/lang':
        if (!arg) say(`${t()('language.current')}`);
        else if (isLang(arg)) {
          chosen = arg;
          say(t()('language.changed'));
        } else say(t()('language.unknown', { value: arg }));
        break;
      case '/topics':
        say(
          `${t()('topics.title')}\n${topicChoices(engine, lang)
            .map((c) => `• ${c.title}`)
            .join('\n')}`,
        );
        break;
      case '/agreements':
      case '/speakers': {
        const entry = topicEntry(name.slice(1));
        if (entry) say(renderText(entryReply(entry, lang, t())));
        previous = entry?.id;
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
    // "по-русски, пожалуйста" alone switches the reply language, as /lang ru does.
    const request = languageRequest(line);
    if (request && !request.rest) {
      chosen = request.lang;
      say(t()('language.changed'));
      continue;
    }
    const result = engine.ask(line, { lang: chosen, fallbackLang: last, context: previous });
    chosen = result.requested ?? chosen;
    last = result.detected ?? last;
    if (result.kind === 'answer') previous = result.entry.id;
    say(renderText(buildReply(result, engine, translator(i18n, result.lang))));
  }
  lines.close();
  say(t()('terminal.bye'));
  return 0;
}
