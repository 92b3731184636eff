/** Telegram's limit on the length of one text message. */
export const TELEGRAM_TEXT_LIMIT = 4096;

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };
const UNESCAPES: Record<string, string> = { '&amp;': '&', '&lt;': '<', '&gt;': '>', '&quot;': '"' };

// A high surrogate without its low half, or a low one without its high half: not valid UTF-8 once sent.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
// Control characters Telegram rejects or shows as garbage (NUL, backspace...); tabs and line breaks stay.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching control characters is the point.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** Text Telegram accepts: lone surrogates become U+FFFD, control characters (but tab and newline) go. */
export function wellFormedText(text: string): string {
  return text.replace(LONE_SURROGATE, '\uFFFD').replace(CONTROL, '');
}

/** Escapes text for Telegram's HTML parse mode; every piece of text not written by us goes through here. */
export function escapeHtml(text: string): string {
  return wellFormedText(text).replace(/[&<>"]/g, (c) => ESCAPES[c] ?? c);
}

/**
 * What Telegram shows for our HTML, as plain text: tags dropped, entities decoded (the fallback when
 * Telegram cannot parse a message's HTML).
 */
export function htmlToPlain(html: string): string {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&#(\d+);/g, (entity, code: string) => {
      const point = Number(code);
      return point <= 0x10ffff ? String.fromCodePoint(point) : entity;
    })
    .replace(/&(?:amp|lt|gt|quot);/g, (entity) => UNESCAPES[entity] ?? entity);
}

/**
 * At most `max` characters of text quoted back to the user (a command, a language name), never cut inside
 * an emoji; longer text ends with "…".
 */
export function excerpt(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, max - 1).join('')}…`;
}

/** Wraps already-escaped HTML in a tag, e.g. tag('b', escapeHtml(title)). */
export function tag(name: 'b' | 'i' | 'blockquote', html: string): string {
  return `<${name}>${html}</${name}>`;
}

// Tags and entities must never be cut in two.
const TOKEN = /<\/?[a-z][^>]*>|&[#a-z0-9]+;/gi;
const OPEN_OR_CLOSE = /<(\/?)([a-z][a-z0-9-]*)[^>]*>/gi;
// Room kept in every chunk for re-closing and re-opening tags that a cut leaves open.
const TAG_RESERVE = 128;

/**
 * Splits HTML into messages of at most `limit` characters: at paragraph breaks if possible, then at line
 * breaks, then at spaces, and only as a last resort inside a word (never inside a tag or an entity).
 * Tags left open at a cut are closed at the end of the chunk and reopened at the start of the next.
 */
export function splitHtml(html: string, limit: number = TELEGRAM_TEXT_LIMIT): string[] {
  const text = html.trim();
  if (text.length <= limit) return text.length > 0 ? [text] : [];
  const budget = Math.max(1, limit - Math.min(TAG_RESERVE, Math.floor(limit / 4)));
  return balanceTags(pack(text, budget, ['\n\n', '\n', ' ']));
}

function pack(text: string, budget: number, separators: readonly string[]): string[] {
  if (text.length <= budget) return [text];
  const [separator, ...finer] = separators;
  if (separator === undefined) return hardCut(text, budget);
  const chunks: string[] = [];
  let current = '';
  for (const piece of text.split(separator)) {
    if (piece.length === 0 && separator !== ' ') continue;
    const joined = current.length === 0 ? piece : `${current}${separator}${piece}`;
    if (joined.length <= budget) {
      current = joined;
      continue;
    }
    if (current.trim().length > 0) chunks.push(current.trim());
    if (piece.length <= budget) {
      current = piece;
    } else {
      chunks.push(...pack(piece, budget, finer));
      current = '';
    }
  }
  if (current.trim().length > 0) chunks.push(current.trim());
  return chunks;
}

function hardCut(text: string, budget: number): string[] {
  // Positions where a cut would split a tag or an entity are forbidden.
  const forbidden: Array<[number, number]> = [];
  for (const m of text.matchAll(TOKEN)) forbidden.push([m.index, m.index + m[0].length]);
  const chunks: string[] = [];
  let start = 0;
  while (text.length - start > budget) {
    let cut = start + budget;
    for (const [from, to] of forbidden) {
      if (from < cut && cut < to) cut = from > start ? from : to;
    }
    // Never cut between the two halves of a surrogate pair (an emoji would turn into garbage).
    const code = text.charCodeAt(cut - 1);
    if (code >= 0xd800 && code <= 0xdbff && cut - 1 > start) cut -= 1;
    chunks.push(text.slice(start, cut));
    start = cut;
  }
  if (start < text.length) chunks.push(text.slice(start));
  return chunks;
}

function balanceTags(chunks: readonly string[]): string[] {
  let carried: string[] = [];
  return chunks.map((chunk) => {
    const open = [...carried];
    for (const m of chunk.matchAll(OPEN_OR_CLOSE)) {
      if (m[1] === '/') {
        const name = (m[2] ?? '').toLowerCase();
        const at = open.findLastIndex((t) => tagName(t) === name);
        if (at >= 0) open.splice(at, 1);
      } else {
        open.push(m[0]);
      }
    }
    const body = carried.join('') + chunk;
    carried = open;
    const closers = [...open].reverse().map((t) => `</${tagName(t)}>`);
    return body + closers.join('');
  });
}

function tagName(openTag: string): string {
  return /^<([a-z][a-z0-9-]*)/i.exec(openTag)?.[1]?.toLowerCase() ?? '';
}
