import fc from 'fast-check';

/** Telegram's and the engine's troublemakers, mixed into generated text. */
export const TRICKY_PIECES = [
  // Emoji, including ZWJ sequences, flags and skin tones.
  '😀',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '👍🏽',
  '🇨🇳🇷🇺',
  // Zero-width and invisible characters, bidi controls, right-to-left scripts.
  '\u200b',
  '\u200c',
  '\u200d',
  '\u2060',
  '\ufeff',
  '\u00ad',
  '\u202e',
  '\u202d',
  '\u200f',
  '\u061c',
  'مرحبا بالمنتدى',
  'שלום',
  // Control characters and NUL, odd line breaks.
  '\u0000',
  '\u0001',
  '\u0007',
  '\u001b[31m',
  '\u007f',
  '\u0085',
  '\u2028',
  '\u2029',
  '\r\n',
  '\t',
  // Lone surrogates (invalid UTF-16: a high half without its low half and the other way round).
  '\ud800',
  '\udfff',
  '\ud83d',
  'a\ude00b',
  // HTML look-alikes (the bot sends HTML) and Markdown look-alikes.
  '<b>',
  '</b>',
  '<i>unclosed',
  '<script>alert(1)</script>',
  '<a href="javascript:alert(1)">x</a>',
  '<tg-spoiler>',
  '<pre><code class="language-js">',
  '&amp;',
  '&lt;',
  '&#0;',
  '&#x1F600;',
  '&',
  '<',
  '>',
  '"',
  "'",
  '*bold*',
  '_italic_',
  '__under__',
  '~strike~',
  '||spoiler||',
  '`code`',
  '```\nblock\n```',
  '[link](http://127.0.0.1/)',
  '\\',
  // Things the bot reacts to, and words it knows.
  '@ForumFaqBot',
  '@someone',
  '/start',
  '/lang',
  '#tag',
  'Z̴̡̛̮a̷l̸g̵o̶',
  'ё',
  '論壇',
  '图书馆',
  'форум',
  'forum',
  'when',
  'когда',
  '什么时候',
] as const;

/** Real questions in the three languages, for noise to be mixed into. */
export const QUESTIONS = [
  'When did the forum open?',
  'Where was the forum held?',
  'What agreements were signed?',
  'Когда открылся форум?',
  'Кто выступал на форуме?',
  '论坛什么时候开幕？',
  '签署了哪些协议',
  'zhang hanhui',
] as const;

/** One code point anywhere in Unicode, or a lone surrogate. */
const anyCodeUnit = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }) },
  { weight: 1, arbitrary: fc.integer({ min: 0xd800, max: 0xdfff }).map((c) => String.fromCharCode(c)) },
);

const piece = fc.oneof(
  { weight: 3, arbitrary: anyCodeUnit },
  { weight: 2, arbitrary: fc.constantFrom(...TRICKY_PIECES) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }) },
  { weight: 1, arbitrary: fc.constantFrom(' ', '  ', '\n') },
);

/** Whitespace only, Unicode's included (no-break, ideographic, em spaces). */
export const whitespaceOnly = fc.string({
  unit: fc.constantFrom(' ', '\t', '\n', '\r', '\u00a0', '\u3000', '\u2003', '\u205f'),
  maxLength: 20,
});

/** Exactly 100 000 characters: a question and noise, repeated (the cut may split a surrogate pair). */
export const hugeText = fc
  .tuple(fc.constantFrom(...QUESTIONS), fc.string({ unit: piece, minLength: 1, maxLength: 20 }))
  .map(([question, noise]) => {
    const unit = `${question} ${noise} `;
    return unit.repeat(Math.ceil(100_000 / unit.length)).slice(0, 100_000);
  });

/** Any text a user might send, from noise to a question wrapped in markup. */
export const badText = fc.oneof(
  { weight: 4, arbitrary: fc.string({ unit: piece, maxLength: 40 }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.string({ unit: piece, maxLength: 8 }),
        fc.constantFrom(...QUESTIONS),
        fc.string({ unit: piece, maxLength: 8 }),
      )
      .map(([before, question, after]) => `${before}${question}${after}`),
  },
  { weight: 1, arbitrary: whitespaceOnly },
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 1, arbitrary: hugeText },
  {
    weight: 1,
    arbitrary: fc
      .tuple(
        fc.constantFrom('/start', '/help', '/lang', '/topics', '/about', '/stats', '/x'),
        fc.string({ unit: piece, maxLength: 30 }),
      )
      .map(([command, rest]) => `${command} ${rest}`),
  },
);

/** callback_data: random, too long, forged in our own format, or stale (an id that no longer exists). */
export const callbackData = fc.oneof(
  { weight: 3, arbitrary: fc.string({ unit: piece, maxLength: 80 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme-ascii', minLength: 65, maxLength: 300 }) },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.constantFrom('e', 's', 'l', 'u', 'd', 'v', 'x', ''),
        fc.constantFrom('en', 'ru', 'zh', 'de', 'EN', ''),
        fc.constantFrom(
          'forum-date',
          'forum-venue',
          'no-such-entry',
          'Forum-Date',
          '../etc',
          '',
          'a'.repeat(70),
        ),
      )
      .map((parts) => parts.join(':')),
  },
);

/** A deep-link payload (what follows "/start "): random, or one of ours, or a forged one. */
export const deepLinkPayload = fc.oneof(
  fc.string({ unit: piece, maxLength: 80 }),
  fc.constantFrom(
    'lang_ru',
    'lang-zh',
    'LANG_EN',
    'lang_de',
    'agreements',
    'forum-date',
    'inline',
    'no-such-entry',
  ),
  fc.string({ unit: 'grapheme-ascii', minLength: 64, maxLength: 512 }),
);
