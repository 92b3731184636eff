/**
 * Russian typed in Latin letters ("kto podpisal pakt", "Pashkov dom"): the common
 * romanisations (BGN/PCGN, passport, ISO-like and chat spellings) read back into Cyrillic. The result is
 * a guess the spelling corrector then matches against the words the knowledge base spells, so it only
 * has to be close: "kultury" -> "културы" is one soft sign away from "культуры".
 */

// Longest spellings first: "shch" before "sh", "ts" before "t".
const DIGRAPHS: readonly (readonly [string, string])[] = [
  ['shch', 'щ'],
  ['sch', 'щ'],
  ['zh', 'ж'],
  ['kh', 'х'],
  ['ch', 'ч'],
  ['sh', 'ш'],
  ['ts', 'ц'],
  ['tz', 'ц'],
  ['yu', 'ю'],
  ['ju', 'ю'],
  ['iu', 'ю'],
  ['ya', 'я'],
  ['ja', 'я'],
  // ё is written е after normalisation, like the knowledge base's own words.
  ['yo', 'е'],
  ['jo', 'е'],
  ['ye', 'е'],
  ['je', 'е'],
  // "iya", "iye", "iyu" are ия, ие, ию ("soglasheniya"); "iy" alone is ий ("Sergiy", "novyi").
  ['iya', 'ия'],
  ['iye', 'ие'],
  ['iyu', 'ию'],
  ['iy', 'ий'],
  ['yi', 'ый'],
];

const LETTERS: Readonly<Record<string, string>> = {
  a: 'а',
  b: 'б',
  c: 'к',
  d: 'д',
  e: 'е',
  f: 'ф',
  g: 'г',
  h: 'х',
  i: 'и',
  j: 'й',
  k: 'к',
  l: 'л',
  m: 'м',
  n: 'н',
  o: 'о',
  p: 'п',
  q: 'к',
  r: 'р',
  s: 'с',
  t: 'т',
  u: 'у',
  v: 'в',
  w: 'в',
  x: 'кс',
  z: 'з',
};

const VOWELS = new Set('aeiouy');

/**
 * A lower-case Latin word read as romanised Russian, or null when it has letters no romanisation uses.
 * "y" is "й" after a vowel ("Sergey") and "ы" after a consonant ("kultury").
 */
export function latinToCyrillic(word: string): string | null {
  if (!/^[a-z]+$/.test(word)) return null;
  let out = '';
  for (let i = 0; i < word.length; ) {
    const digraph = DIGRAPHS.find(([latin]) => word.startsWith(latin, i));
    if (digraph) {
      out += digraph[1];
      i += digraph[0].length;
      continue;
    }
    const letter = word[i] as string;
    if (letter === 'y') out += i > 0 && VOWELS.has(word[i - 1] as string) ? 'й' : 'ы';
    else out += LETTERS[letter] ?? '';
    i += 1;
  }
  return out;
}
