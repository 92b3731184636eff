import { normalizeText } from '../language/normalize.js';

/**
 * Text folded for comparing what people typed: normalised (case, ё/е, Traditional/Simplified, full-width
 * forms), with punctuation, symbols and spacing reduced to single spaces.
 */
export function foldText(text: string): string {
  return normalizeText(text)
    .replace(/[\p{P}\p{S}\s]+/gu, ' ')
    .trim();
}
