import fc from 'fast-check';
import type { Update } from 'telegraf/types';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TELEGRAM_TEXT_LIMIT } from '../../src/bot/html.js';
import { DEFAULT_MATCHER_OPTIONS } from '../../src/engine/options.js';
import { LANGS, type Lang } from '../../src/knowledge/schema.js';
import {
  buttonPress,
  createHarness,
  i18n,
  inlineQuery,
  realEngine,
  type SeenMessage,
  telegramHtmlProblem,
  textMessage,
} from '../bot/helpers.js';
import { badText, callbackData, deepLinkPayload, hugeText } from './arbitraries.js';
import { checkProperty, PROPERTY_TIMEOUT_MS, recordFigures } from './figures.js';

const { engine, knowledge } = realEngine();
const { maxQueryLength } = DEFAULT_MATCHER_OPTIONS;
/** No update may take longer than this to handle (a typical one takes a few milliseconds). */
const BOUND_MS = 1500;

// Every rejection nobody handled while these tests run is a failure.
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
  expect(unhandled).toEqual([]);
});

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const templateRegExp = (template: string) =>
  escapeRegExp(template).replace(/\\\{\\\{[^}]*\\\}\\\}/g, '[\\s\\S]*?');

function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

/** What a reply in one language may say and which buttons it may carry. */
const vocabulary = new Map(
  LANGS.map((lang) => {
    const ui = strings(i18n.getResourceBundle(lang, 'translation')).map(templateRegExp);
    const entries = knowledge.entries.map((e) =>
      escapeRegExp(`${e.i18n[lang].title}\n\n${e.i18n[lang].answer}`),
    );
    // A message asking several things: more entries, each under its title.
    const parts = knowledge.entries.map((e) => escapeRegExp(`${e.i18n[lang].title}\n${e.i18n[lang].answer}`));
    // A partial answer: what the article does not say, then what it says about the entry's subject.
    const partials = knowledge.entries.map((e) => {
      const lead = escapeRegExp(i18n.t('ask.partial', { lng: lang, title: e.i18n[lang].title }));
      return `${escapeRegExp(e.i18n[lang].title)}\n\n${lead}\n\n${escapeRegExp(e.i18n[lang].answer)}`;
    });
    const body = `(?:${[...ui, ...partials, `(?:${entries.join('|')})(?:\n\n(?:${parts.join('|')}))*`].join('|')})`;
    const note = templateRegExp(i18n.t('ask.truncated', { lng: lang, max: '{{max}}' }));
    const also = escapeRegExp(i18n.t('ask.alsoRelevant', { lng: lang }));
    const text = new RegExp(`^(?:${note}\\n\\n)?${body}(?:\\n\\n${also})?$`);
    const buttons = new Set([
      ...knowledge.entries.map((e) => e.i18n[lang].title),
      ...engine.topics.map((t) => t.label[lang]),
      ...['bot.sourceButton', 'feedback.up', 'feedback.down'].map((key) => i18n.t(key, { lng: lang })),
      // The language menu names each language in its own script, and ticks the chosen one.
      ...LANGS.flatMap((l) => {
        const name = i18n.t(`language.name.${l}`, { lng: lang });
        return [name, i18n.t('language.selected', { lng: lang, name })];
      }),
    ]);
    return [lang, { text, buttons }] as const;
  }),
);

/** The languages a message could be in: its text and every button read as that language. */
function languagesOf(message: SeenMessage): Lang[] {
  return LANGS.filter((lang) => {
    const v = vocabulary.get(lang);
    return v?.text.test(message.text) && message.buttons.every((b) => v.buttons.has(b.text));
  });
}

/** Checks one message as Telegram would take it and a user would read it. */
function expectWellFormed(message: SeenMessage) {
  expect(telegramHtmlProblem(message.html)).toBeNull();
  expect(message.html.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
  expect(message.text.trim()).not.toBe('');
  // What the bot sends is valid UTF-16 (Telegram refuses lone surrogates) with no control characters.
  expect(message.html).not.toMatch(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: no control character may reach Telegram.
  expect(message.html).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  for (const button of message.buttons) expect(Buffer.byteLength(button.data)).toBeLessThanOrEqual(64);
}

const userIds = { next: 1_000_000 };
const languageCode = fc.constantFrom(undefined, 'en', 'ru', 'zh-hans', 'de', 'ar');

/** Feeds one update to a bot, timing it; fails the property if it is slow or errs. */
async function handleTimed(h: ReturnType<typeof createHarness>, update: Omit<Update, 'update_id'>) {
  const started = performance.now();
  await h.handle(update);
  const ms = performance.now() - started;
  expect(ms).toBeLessThan(BOUND_MS);
  expect(h.logs.filter((l) => (l.level as number) >= 50)).toEqual([]);
  return ms;
}

describe('bad input, property-tested (fast-check)', () => {
  const slowest: Record<string, number> = {};
  afterAll(() => recordFigures('bad input: slowest update (ms)', slowest));

  it(
    'the engine gives a well-formed result for any text, reads only its first maxQueryLength characters, and is deterministic',
    async () => {
      let slowestMs = 0;
      await checkProperty(
        'engine: any text',
        fc.property(badText, languageCode, (text, code) => {
          const fallbackLang = code === 'ru' ? 'ru' : code === 'zh-hans' ? 'zh' : 'en';
          const started = performance.now();
          const result = engine.ask(text, { fallbackLang });
          slowestMs = Math.max(slowestMs, performance.now() - started);
          expect(LANGS).toContain(result.lang);
          expect(result.detected === null || LANGS.includes(result.detected)).toBe(true);
          if (result.score !== null) expect(result.score).toBeGreaterThanOrEqual(0);
          if (result.score !== null) expect(result.score).toBeLessThanOrEqual(1);
          const refs =
            result.kind === 'answer'
              ? [result.entry.id, ...result.also.map((e) => e.id), ...result.alternatives.map((a) => a.id)]
              : result.kind === 'partial'
                ? [result.entry.id]
                : result.suggestions.map((s) => s.id);
          for (const id of refs) expect(engine.entry(id)).toBeDefined();
          if (result.kind === 'suggestions' || result.kind === 'notFound')
            expect(result.suggestions.length).toBeLessThanOrEqual(DEFAULT_MATCHER_OPTIONS.maxSuggestions);
          // Truncated before matching: what lies beyond the limit changes nothing.
          expect(engine.ask(text.slice(0, maxQueryLength), { fallbackLang })).toEqual(result);
          expect(engine.ask(text, { fallbackLang })).toEqual(result);
          const { hits } = engine.search(text, { limit: 5 });
          expect(hits.length).toBeLessThanOrEqual(5);
        }),
        1000,
      );
      slowest.engine = Math.round(slowestMs);
      expect(slowestMs).toBeLessThan(BOUND_MS);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'the text handler answers any text in a private chat with one well-formed, localized message',
    async () => {
      const h = createHarness();
      let slowestMs = 0;
      await checkProperty(
        'text handler: any text, private chat',
        fc.asyncProperty(badText, languageCode, async (text, code) => {
          h.clear();
          const user = { id: userIds.next++, ...(code ? { language_code: code } : {}) };
          slowestMs = Math.max(slowestMs, await handleTimed(h, textMessage(text, user)));
          const messages = h.seen();
          expect(messages).toHaveLength(1);
          const [reply] = messages;
          if (!reply) return;
          expectWellFormed(reply);
          const langs = languagesOf(reply);
          expect(
            langs.length,
            `not a localized reply: ${JSON.stringify(reply.text.slice(0, 300))}`,
          ).toBeGreaterThan(0);
          if (!text.startsWith('/') && !text.includes('@')) {
            // A question is answered in the language the engine picks for it, the same as the CLI would.
            const fallbackLang = code === 'ru' ? 'ru' : code === 'zh-hans' ? 'zh' : 'en';
            const question = text.trim();
            if (question) expect(langs).toContain(engine.ask(question, { fallbackLang }).lang);
          }
          // Only the map pin may come with it.
          expect(
            h.calls
              .map((c) => c.method)
              .filter((m) => !['sendMessage', 'sendChatAction', 'sendVenue'].includes(m)),
          ).toEqual([]);
        }),
        1000,
      );
      slowest.textPrivate = Math.round(slowestMs);
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'in a group it answers only what is addressed to it, and is deliberately silent otherwise',
    async () => {
      const h = createHarness();
      await checkProperty(
        'text handler: any text, group chat',
        fc.asyncProperty(badText, fc.boolean(), async (text, mention) => {
          h.clear();
          const user = { id: userIds.next++ };
          const group = { id: -100_500, type: 'supergroup' as const };
          const body = mention ? `@ForumFaqBot ${text}` : text.replace(/^\/+/, '').replaceAll('@', ' ');
          await handleTimed(h, textMessage(body, user, group));
          const messages = h.seen();
          if (!mention) {
            expect(h.calls).toEqual([]);
            return;
          }
          expect(messages).toHaveLength(1);
          if (messages[0]) {
            expectWellFormed(messages[0]);
            expect(languagesOf(messages[0]).length).toBeGreaterThan(0);
          }
        }),
        300,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    '100 000-character messages are read up to the limit, with a localized note, not rejected',
    async () => {
      const h = createHarness();
      await checkProperty(
        'text handler: 100 000 characters',
        fc.asyncProperty(hugeText, fc.constantFrom('en', 'ru', 'zh'), async (text, code) => {
          h.clear();
          await handleTimed(h, textMessage(text, { id: userIds.next++, language_code: code }));
          const [reply, ...rest] = h.seen();
          expect(rest).toEqual([]);
          if (!reply) throw new Error('no reply');
          expectWellFormed(reply);
          const lang = languagesOf(reply)[0];
          if (!lang) throw new Error(`not localized: ${reply.text.slice(0, 200)}`);
          expect(reply.text.startsWith(i18n.t('ask.truncated', { lng: lang, max: maxQueryLength }))).toBe(
            true,
          );
        }),
        50,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'button presses with random, too long, forged or stale data each get one answer, and any message is well-formed',
    async () => {
      const h = createHarness();
      await checkProperty(
        'callback data: random, long, forged, stale',
        fc.asyncProperty(callbackData, async (data) => {
          h.clear();
          await handleTimed(h, buttonPress(data, { id: userIds.next++, language_code: 'ru' }));
          // Telegram shows a spinner until the press is answered, exactly once.
          expect(h.callsOf('answerCallbackQuery')).toHaveLength(1);
          for (const message of h.seen()) expectWellFormed(message);
        }),
        500,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'inline queries of any text get one answer of at most 5 well-formed articles',
    async () => {
      const h = createHarness();
      await checkProperty(
        'inline queries: any text',
        fc.asyncProperty(badText, async (query) => {
          h.clear();
          await handleTimed(h, inlineQuery(query, { id: userIds.next++ }));
          const answers = h.callsOf('answerInlineQuery');
          expect(answers).toHaveLength(1);
          const results = (answers[0]?.payload.results ?? []) as Array<{
            id: string;
            input_message_content: { message_text: string };
          }>;
          expect(results.length).toBeLessThanOrEqual(5);
          expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
          for (const r of results) {
            expect(Buffer.byteLength(r.id)).toBeLessThanOrEqual(64);
            expect(telegramHtmlProblem(r.input_message_content.message_text)).toBeNull();
            expect(r.input_message_content.message_text.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
          }
        }),
        500,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );

  it(
    'deep links with any payload get one well-formed, localized message',
    async () => {
      const h = createHarness();
      await checkProperty(
        'deep-link payloads',
        fc.asyncProperty(deepLinkPayload, async (payload) => {
          h.clear();
          await handleTimed(h, textMessage(`/start ${payload}`, { id: userIds.next++, language_code: 'zh' }));
          const messages = h.seen();
          expect(messages).toHaveLength(1);
          if (messages[0]) {
            expectWellFormed(messages[0]);
            expect(languagesOf(messages[0]).length).toBeGreaterThan(0);
          }
        }),
        300,
      );
    },
    PROPERTY_TIMEOUT_MS,
  );
});

describe('updates the bot does not handle', () => {
  const user = { id: 31337, is_bot: false, first_name: 'U' };
  const chat = { id: 31337, type: 'private', first_name: 'U' };
  const channel = { id: -1001, type: 'channel', title: 'News' };
  const message = { message_id: 9, date: 0, chat, from: user, text: 'When did the forum open?' };
  const member = {
    chat: { id: -100_200, type: 'supergroup', title: 'Readers' },
    from: user,
    date: 0,
    old_chat_member: { status: 'member', user },
    new_chat_member: { status: 'kicked', user, until_date: 0 },
  };
  const kinds: Record<string, Omit<Update, 'update_id'>> = {
    edited_message: { edited_message: { ...message, edit_date: 1 } } as never,
    channel_post: { channel_post: { message_id: 3, date: 0, chat: channel, text: '/help' } } as never,
    edited_channel_post: {
      edited_channel_post: { message_id: 3, date: 0, edit_date: 1, chat: channel, text: 'x' },
    } as never,
    message_reaction: {
      message_reaction: {
        chat,
        message_id: 9,
        user,
        date: 0,
        old_reaction: [],
        new_reaction: [{ type: 'emoji', emoji: '👍' }],
      },
    } as never,
    message_reaction_count: {
      message_reaction_count: { chat, message_id: 9, date: 0, reactions: [] },
    } as never,
    chat_member: { chat_member: member } as never,
    my_chat_member: { my_chat_member: member } as never,
    chat_join_request: {
      chat_join_request: { chat: member.chat, from: user, user_chat_id: 1, date: 0 },
    } as never,
    poll_answer: { poll_answer: { poll_id: '1', user, option_ids: [0] } } as never,
  };

  it.each(Object.keys(kinds))('%s is ignored: no Bot API call, no error', async (kind) => {
    const h = createHarness();
    await h.handle(kinds[kind] as Omit<Update, 'update_id'>);
    expect(h.calls).toEqual([]);
    expect(h.logs.filter((l) => (l.level as number) >= 40)).toEqual([]);
  });
});
