import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { normalizeText, toSimplified } from '../../src/language/normalize.js';

describe('normalizeText', () => {
  it('folds case, ё, full-width forms and Traditional characters', () => {
    expect(normalizeText('ЁЛКА Ёж')).toBe('елка еж');
    expect(normalizeText('ＡＢＣ１２３')).toBe('abc123');
    expect(normalizeText('簽署了哪些協議')).toBe('签署了哪些协议');
    expect(normalizeText('論壇在哪裡舉行')).toBe('论坛在哪里举行');
  });

  it('shortens letters stretched for emphasis, but not doubled ones', () => {
    expect(normalizeText('Sooo helloooo')).toBe('so hello');
    expect(normalizeText('спасибооо!!!')).toBe('спасибо!!!');
    expect(normalizeText('coffee')).toBe('coffee');
    // A Roman numeral is not a stretched letter: "III" stays "iii", and "I" stays apart from it.
    expect(normalizeText('III форум')).toBe('iii форум');
    expect(normalizeText('hiiii')).toBe('hi');
  });

  it('drops invisible characters and lone surrogates', () => {
    expect(normalizeText('fo\u200Bo\u0000')).toBe('fo o ');
    expect(normalizeText('a\uD800b')).toBe('ab');
  });

  it('drops pasted markup but keeps the words inside it', () => {
    expect(
      normalizeText('<b>When</b> did the <script>forum</script> open? &amp; </i>')
        .split(/\s+/)
        .filter(Boolean),
    ).toEqual(['when', 'did', 'the', 'forum', 'open?']);
    expect(normalizeText('a < b > c')).toBe('a < b > c');
  });

  it('leaves text without Chinese untouched by the converter', () => {
    expect(toSimplified('Пашков дом')).toBe('Пашков дом');
  });

  it('is idempotent and total on any string', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const once = normalizeText(s);
        expect(normalizeText(once)).toBe(once);
        expect(Buffer.from(once, 'utf8').toString('utf8')).toBe(once);
      }),
      { numRuns: 500 },
    );
  });
});
