import * as OpenCC from 'opencc-js/t2cn';

const HAN = /\p{Script=Han}/u;
// Markup people paste or type around a question (<b>, </i>, <script>, &amp;) is not part of it.
const MARKUP = /<\/?[a-z][a-z0-9]*(?:\s[^<>]*)?\/?>|&(?:[a-z]+|#\d+|#x[0-9a-f]+);/gi;
// Zero-width and bidi controls, other control characters: invisible, never meaningful for matching.
const INVISIBLE = /[\p{Cc}\p{Cf}\u{FFFD}]/gu;
// Lone surrogates cannot be normalised; drop them before anything else.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

// A letter held down for emphasis ("sooo", "helloooo", "спасибооо"): no word spells one three times,
// except a Roman numeral ("III", the forum's number), which is kept whole. Matched before markup is
// dropped ("&ammmp;" must not become an entity for the next pass to drop) and regardless of case, so
// that normalising twice changes nothing.
const ELONGATED = /(?<!\p{L})[ivx]+(?!\p{L})|([\p{Script=Latin}\p{Script=Cyrillic}])\1{2,}/giu;

let toSimplifiedConverter: ((text: string) => string) | undefined;

/** Converts Traditional Chinese characters (Taiwan and Hong Kong forms included) to Simplified. */
export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text;
  const convert = toSimplifiedConverter ?? OpenCC.Converter({ from: 'tw', to: 'cn' });
  toSimplifiedConverter = convert;
  // Applied until nothing changes: a few characters convert in steps (麼 -> 么 -> 幺), and normalising
  // twice must give what normalising once gave.
  let current = text;
  for (let step = 0; step < 4; step++) {
    const next = convert(current);
    if (next === current) break;
    current = next;
  }
  return current;
}

/**
 * Folds what should not matter for matching: Unicode compatibility forms (NFKC: full-width letters,
 * ligatures), case, ё/е, Traditional vs Simplified Chinese, invisible characters, pasted HTML tags,
 * letters stretched for emphasis.
 */
export function normalizeText(text: string): string {
  const cleaned = text
    .replace(LONE_SURROGATE, '')
    .normalize('NFKC')
    .replace(INVISIBLE, ' ')
    .replace(/ё/g, 'е')
    .replace(/Ё/g, 'Е')
    .replace(ELONGATED, (run, letter?: string) => letter ?? run)
    .replace(MARKUP, ' ');
  return toSimplified(cleaned).toLowerCase();
}
