import * as OpenCC from 'opencc-js/t2cn';

const HAN = /\p{Script=Han}/u;
// Zero-width and bidi controls, other control characters: invisible, never meaningful for matching.
const INVISIBLE = /[\p{Cc}\p{Cf}\u{FFFD}]/gu;
// Lone surrogates cannot be normalised; drop them before anything else.
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

let toSimplifiedConverter: ((text: string) => string) | undefined;

/** Converts Traditional Chinese characters (Taiwan and Hong Kong forms included) to Simplified. */
export function toSimplified(text: string): string {
  if (!HAN.test(text)) return text;
  const convert = toSimplifiedConverter ?? OpenCC.Converter({ from: 'tw', to: 'cn' });
  toSimplifiedConverter = convert;
  return convert(text);
}

/**
 * Folds what should not matter for matching: Unicode compatibility forms (NFKC: full-width letters,
 * ligatures), case, ё/е, Traditional vs Simplified Chinese, invisible characters.
 */
export function normalizeText(text: string): string {
  const cleaned = text.replace(LONE_SURROGATE, '').normalize('NFKC').replace(INVISIBLE, ' ');
  return toSimplified(cleaned).toLowerCase().replace(/ё/g, 'е');
}
