/** Chinese words as ICU's dictionary cuts them (Intl.Segmenter): one segmenter for every reader of Chinese text. */
const segmenter = new Intl.Segmenter('zh', { granularity: 'word' });

/** The words of Chinese text, in order, punctuation included as the segmenter gives it. */
export function chineseWords(text: string): string[] {
  return Array.from(segmenter.segment(text), ({ segment }) => segment);
}
