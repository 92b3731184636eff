import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createI18n, translator } from '../../src/i18n.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import type { LANGS } from '../../src/knowledge/schema.js';
import { buildReply } from '../../src/render/reply.js';
import { renderTerminal, wrapText } from '../../src/render/terminal.js';

const kb = loadKnowledge();
const answers = (lang: (typeof LANGS)[number]) => kb.entries.map((e) => e.i18n[lang].answer);
const words = (text: string) => text.split(/\s+/).filter(Boolean);
const ESC = '\u001b';

describe('wrapping to the terminal width', () => {
  for (const lang of ['en', 'ru'] as const) {
    it(`${lang}: every answer fits 80 columns and no word is cut`, () => {
      for (const answer of answers(lang)) {
        const wrapped = wrapText(answer, 80);
        for (const line of wrapped.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(80);
        // The same words in the same order: a word broken in two would show up as two.
        expect(words(wrapped)).toEqual(words(answer));
      }
    });
  }

  it('zh: long answers are wrapped between characters, within 80 columns, with nothing lost', () => {
    const long = answers('zh').filter((a) => stringWidth(a) > 80);
    expect(long.length).toBeGreaterThan(0);
    for (const answer of long) {
      const lines = wrapText(answer, 80).split('\n');
      expect(lines.length).toBeGreaterThan(answer.split('\n').length);
      for (const line of lines) {
        expect(stringWidth(line)).toBeLessThanOrEqual(80);
        // A comma or full stop never starts a line.
        expect(line).not.toMatch(/^[，。、；：？！）]/);
      }
      expect(lines.join('').replace(/\s/g, '')).toBe(answer.replace(/\s/g, ''));
    }
  });

  it('keeps English words whole when they meet Chinese text, and indents a wrapped list item', () => {
    const wrapped = wrapText(`1. ${'论坛'.repeat(20)} Pashkov House`, 30);
    const lines = wrapped.split('\n');
    expect(lines.every((l) => stringWidth(l) <= 30)).toBe(true);
    expect(wrapped).toMatch(/Pashkov House|Pashkov\n\s+House/);
    expect(lines.slice(1).every((l) => l.startsWith('   '))).toBe(true);
  });

  it('leaves text alone when there is no width (piped output)', () => {
    const answer = answers('en').find((a) => a.length > 200) ?? '';
    expect(wrapText(answer, undefined)).toBe(answer);
  });
});

describe('a reply in the terminal', () => {
  const engine = createEngine(kb);
  const i18n = createI18n();
  const result = engine.ask('who spoke at the forum?');
  const view = buildReply(result, engine, translator(i18n, result.lang));
  const title = view.entry?.i18n.en.title ?? '(none)';

  it('shows the title bold and coloured only when colour is on', () => {
    const coloured = renderTerminal(view, { color: true, width: 80 });
    expect(coloured.split('\n')[0]).toBe(`${ESC}[1;36m${title}${ESC}[0m`);
    const plain = renderTerminal(view, { color: false, width: 80 });
    expect(plain).not.toContain(ESC);
    expect(plain.split('\n')[0]).toBe(title);
  });

  it('numbers "did you mean" suggestions', () => {
    const unsure = engine.ask('how is the weather today?');
    const text = renderTerminal(buildReply(unsure, engine, translator(i18n, unsure.lang)));
    expect(text).toMatch(/^1\. .+\n2\. /m);
  });
});
