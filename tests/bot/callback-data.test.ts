import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type CallbackAction,
  MAX_CALLBACK_DATA_BYTES,
  packCallback,
  unpackCallback,
} from '../../src/bot/callback-data.js';
import { LANGS } from '../../src/knowledge/schema.js';
import { realEngine } from './helpers.js';

describe('callback data', () => {
  it('packs every button the shipped knowledge base can produce within 64 bytes, and reads it back', () => {
    const { knowledge } = realEngine();
    for (const entry of knowledge.entries) {
      for (const lang of LANGS) {
        for (const action of [
          { type: 'entry', lang, id: entry.id },
          { type: 'source', lang, id: entry.id },
          { type: 'vote', lang, id: entry.id, vote: 'up' },
          { type: 'vote', lang, id: entry.id, vote: 'down' },
        ] satisfies CallbackAction[]) {
          const data = packCallback(action);
          expect(Buffer.byteLength(data)).toBeLessThanOrEqual(MAX_CALLBACK_DATA_BYTES);
          expect(unpackCallback(data)).toEqual(action);
        }
      }
    }
    for (const lang of LANGS)
      expect(unpackCallback(packCallback({ type: 'lang', lang }))).toEqual({ type: 'lang', lang });
  });

  it('tells 👍 from 👎 in a few bytes', () => {
    expect(packCallback({ type: 'vote', lang: 'ru', id: 'forum-date', vote: 'up' })).toBe('u:ru:forum-date');
    expect(unpackCallback('d:zh:forum-venue')).toEqual({
      type: 'vote',
      lang: 'zh',
      id: 'forum-venue',
      vote: 'down',
    });
  });

  it('refuses to pack data Telegram would reject', () => {
    expect(() => packCallback({ type: 'entry', lang: 'en', id: 'x'.repeat(60) })).toThrow(RangeError);
  });

  it.each([
    undefined,
    '',
    'e',
    'e:en',
    'e:de:forum-date',
    'e:en:Forum Date',
    'e:en:forum-date:extra',
    'l:ru:x',
    'x:en:forum-date',
    `e:en:${'a'.repeat(70)}`,
    'u:en',
    'u:xx:forum-date',
    'd:en:Forum_Date',
    'u:en:forum-date:up',
    'v:en:forum-date',
  ])('reads %j as stale or forged', (data) => {
    expect(unpackCallback(data)).toBeNull();
  });

  it('never throws on arbitrary or near-valid data, and reads back only what it could have packed', () => {
    const nearValid = fc
      .tuple(
        fc.constantFrom('e', 's', 'l', 'u', 'd', 'x', ''),
        fc.constantFrom('en', 'ru', 'zh', 'de', ''),
        fc.string({ maxLength: 70 }),
      )
      .map((parts) => parts.join(':'));
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 80 }), nearValid), (data) => {
        const action = unpackCallback(data);
        if (action) expect(packCallback(action)).toBe(data);
      }),
      { numRuns: 500 },
    );
  });
});
