import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  escapeHtml,
  excerpt,
  htmlToPlain,
  splitHtml,
  TELEGRAM_TEXT_LIMIT,
  tag,
  wellFormedText,
} from '../../src/bot/html.js';
import { telegramHtmlProblem, visibleText } from './helpers.js';

describe('escapeHtml', () => {
  it('escapes what Telegram HTML would otherwise parse', () => {
    expect(escapeHtml('<b>bold</b> & <script>alert("x")</script>')).toBe(
      '&lt;b&gt;bold&lt;/b&gt; &amp; &lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;',
    );
  });

  it('round-trips any text to what the user typed', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme' }), (text) => {
        const html = escapeHtml(text);
        expect(telegramHtmlProblem(html)).toBeNull();
        expect(visibleText(html)).toBe(text);
      }),
    );
  });
});

describe('splitHtml', () => {
  it('keeps a short message whole', () => {
    expect(splitHtml('<b>Title</b>\n\nBody')).toEqual(['<b>Title</b>\n\nBody']);
  });

  it('splits on paragraph boundaries first', () => {
    const paragraph = 'word '.repeat(300).trim(); // 1499 characters
    const html = [paragraph, paragraph, paragraph, paragraph].join('\n\n');
    const chunks = splitHtml(html);
    expect(chunks.length).toBe(2);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(TELEGRAM_TEXT_LIMIT);
      // Every chunk is made of whole paragraphs.
      for (const p of chunk.split('\n\n')) expect(p).toBe(paragraph);
    }
  });

  it('never cuts an entity or a tag, and re-opens a tag cut in two', () => {
    const html = tag('blockquote', escapeHtml('a&b '.repeat(3000)));
    const chunks = splitHtml(html, 1000);
    expect(chunks.length).toBeGreaterThan(1);
    for (const chunk of chunks) {
      expect(chunk.length).toBeLessThanOrEqual(1000);
      expect(telegramHtmlProblem(chunk)).toBeNull();
      expect(chunk.startsWith('<blockquote>')).toBe(true);
    }
    expect(
      chunks
        .map((c) => visibleText(c))
        .join(' ')
        .replace(/\s+/g, ''),
    ).toBe('a&b'.repeat(3000));
  });

  it('any escaped text splits into valid messages within the limit that keep every character', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(fc.string({ unit: 'grapheme', maxLength: 300 }), fc.constant('\n\n'), fc.constant(' ')),
          {
            maxLength: 60,
          },
        ),
        fc.integer({ min: 40, max: 600 }),
        (pieces, limit) => {
          const text = pieces.join('');
          const html = `${tag('b', 'T')}\n\n${escapeHtml(text)}`;
          const chunks = splitHtml(html, limit);
          for (const chunk of chunks) {
            expect(chunk.length).toBeLessThanOrEqual(limit);
            expect(chunk.trim().length).toBeGreaterThan(0);
            expect(telegramHtmlProblem(chunk)).toBeNull();
          }
          const strip = (s: string) => s.replace(/\s+/g, '');
          expect(strip(chunks.map((c) => visibleText(c)).join(''))).toBe(strip(`T${text}`));
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('text Telegram accepts', () => {
  it('replaces lone surrogates and drops control characters, keeping emoji, tabs and line breaks', () => {
    expect(wellFormedText('a\ud800b\udc00c😀\u0000\u0007\t\n\u001bd')).toBe('a\ufffdb\ufffdc😀\t\nd');
  });

  it('escapes into valid UTF-16 whatever the input (lone surrogates included)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.integer({ min: 0xd800, max: 0xdfff }), (text, half) => {
        const html = escapeHtml(`${text}${String.fromCharCode(half)}${text}`);
        // encodeURIComponent throws on a lone surrogate, as Telegram refuses one.
        expect(() => encodeURIComponent(html)).not.toThrow();
        expect(telegramHtmlProblem(html)).toBeNull();
      }),
    );
  });

  it('turns our HTML back into the plain text Telegram would show', () => {
    expect(htmlToPlain(`${tag('b', escapeHtml('Q&A <1>'))}\n\n${escapeHtml('"quoted" & more')}`)).toBe(
      'Q&A <1>\n\n"quoted" & more',
    );
  });

  it('cuts quoted user text to a length, never inside an emoji', () => {
    expect(excerpt('short', 10)).toBe('short');
    expect(excerpt('😀😀😀😀', 3)).toBe('😀😀…');
  });
});
