import stringWidth from 'string-width';
import type { ReplyView } from './reply.js';

/** How the terminal chat lays text out. */
export interface TerminalStyle {
  /** Columns to wrap at; undefined: no wrapping (piped output keeps whole lines for scripts). */
  width?: number | undefined;
  /** Bold, coloured titles (ANSI); only on a terminal, never with NO_COLOR. */
  color?: boolean;
}

/** Narrower than this, wrapping would leave a word or two a line: not worth it. */
export const MIN_WRAP_WIDTH = 20;

// Bold cyan: stands out on dark and light backgrounds alike.
const TITLE_ON = '\u001b[1;36m';
const STYLE_OFF = '\u001b[0m';

// A line may break before or after any of these (Chinese and Japanese have no spaces between words).
const WIDE =
  /[\p{Script=Han}\p{Script=Hiragana}\p{Script=Katakana}\p{Script=Hangul}\u3000-\u303f\uff00-\uffef]/u;
// Punctuation that must not start a line: it stays with what comes before it.
const NO_LINE_START = /^[，。、；：？！）」』】》〉”’,.;:?!)\]}%…·]/u;
// Punctuation that must not end a line: it stays with what comes after it.
const NO_LINE_END = /[（「『【《〈“‘([{]$/u;
// "• " and "12. ": list items, whose continuation lines are indented under their text.
const LIST_ITEM = /^(?:• |\d+\. )/u;

/**
 * The units a line is made of: words with the spaces before them, and each wide character on its own
 * (with punctuation kept on the side it belongs to), so a break can fall between any two of them.
 */
function units(line: string): Array<{ space: string; text: string }> {
  const out: Array<{ space: string; text: string }> = [];
  for (const match of line.matchAll(/(\s*)(\S+)/gu)) {
    const space = match[1] ?? '';
    let word = '';
    let first = true;
    const push = (text: string) => {
      if (!text) return;
      const prev = out[out.length - 1];
      if (!first && prev && (NO_LINE_START.test(text) || NO_LINE_END.test(prev.text))) prev.text += text;
      else out.push({ space: first ? space : '', text });
      first = false;
    };
    for (const char of match[2] ?? '') {
      if (WIDE.test(char) && !NO_LINE_START.test(char)) {
        push(word);
        word = '';
        push(char);
      } else if (WIDE.test(char)) {
        // Closing wide punctuation joins the unit before it (a word being built, or the last one).
        if (word) word += char;
        else push(char);
      } else word += char;
    }
    push(word);
  }
  return out;
}

/** Breaks a word wider than the whole line into line-sized pieces (the only time a word is cut). */
function slices(text: string, width: number): string[] {
  const out: string[] = [];
  let piece = '';
  for (const char of text) {
    if (piece && stringWidth(piece + char) > width) {
      out.push(piece);
      piece = '';
    }
    piece += char;
  }
  return piece ? [...out, piece] : out;
}

/** One line wrapped at word boundaries (and between wide characters) to `width` columns. */
function wrapLine(line: string, width: number): string[] {
  if (stringWidth(line) <= width) return [line];
  const indent = ' '.repeat(stringWidth(line.match(LIST_ITEM)?.[0] ?? line.match(/^\s*/u)?.[0] ?? ''));
  const room = Math.max(width - indent.length, MIN_WRAP_WIDTH / 2);
  const out: string[] = [];
  let current = '';
  let used = 0; // the width of `current`, kept as it grows: measuring the whole line each time is quadratic
  for (const { space, text } of units(line)) {
    // Spaces before the first word keep the line's own indentation; a continuation line gets `indent`.
    let candidate = current ? space + text : out.length === 0 ? space + text : text;
    const extra = stringWidth(candidate);
    if (used + extra <= (out.length === 0 ? width : room)) {
      current += candidate;
      used += extra;
      continue;
    }
    if (current) {
      out.push(current);
      candidate = text;
    }
    const limit = out.length === 0 ? width : room;
    // Only a word wider than a whole line is cut.
    const pieces = stringWidth(candidate) <= limit ? [candidate] : slices(candidate, limit);
    out.push(...pieces.slice(0, -1));
    current = pieces.at(-1) ?? '';
    used = stringWidth(current);
  }
  if (current) out.push(current);
  return out.map((l, i) => (i === 0 ? l : indent + l));
}

/** Wraps text to `width` columns at word boundaries, CJK-aware; undefined or too narrow: unchanged. */
export function wrapText(text: string, width: number | undefined): string {
  if (width === undefined || width < MIN_WRAP_WIDTH) return text;
  return text
    .split('\n')
    .flatMap((line) => wrapLine(line, width))
    .join('\n');
}

/** A title as the terminal shows it: bold and coloured when colour is on. */
export const styleTitle = (text: string, color = false): string =>
  color ? `${TITLE_ON}${text}${STYLE_OFF}` : text;

/**
 * A reply as the terminal chat prints it: the entry's title (and those of further parts, `partTitles`)
 * styled, the body, then the choices, numbered when a number picks them; wrapped to `style.width`.
 */
export function renderTerminal(
  view: ReplyView,
  style: TerminalStyle = {},
  partTitles: string[] = [],
): string {
  const { width, color = false } = style;
  const title = (text: string) =>
    wrapText(text, width)
      .split('\n')
      .map((line) => styleTitle(line, color))
      .join('\n');
  const blocks: string[] = [];
  if (view.entry) blocks.push(title(view.entry.i18n[view.lang].title));
  const parts = new Set(partTitles);
  blocks.push(
    view.body
      .split('\n')
      .map((line) => (parts.has(line) ? title(line) : wrapText(line, width)))
      .join('\n'),
  );
  const numbered = view.choicesKind !== 'alternatives';
  const lines = view.choices.map((c, i) =>
    wrapText(numbered ? `${i + 1}. ${c.title}` : `• ${c.title}`, width),
  );
  if (lines.length > 0) {
    const list = lines.join('\n');
    if (view.choicesHeader) blocks.push(`${wrapText(view.choicesHeader, width)}\n${list}`);
    else blocks[blocks.length - 1] += `\n${list}`;
  }
  return blocks.join('\n\n');
}
