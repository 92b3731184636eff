import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsonErrorOffset } from '../../src/knowledge/json-position.js';
import { DEFAULT_KNOWLEDGE_DIR, jsonSyntaxError } from '../../src/knowledge/load.js';

const parses = (text: string) => {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
};

describe('where a file stops being JSON', () => {
  it('finds nothing wrong in the shipped knowledge files', () => {
    const dir = join(DEFAULT_KNOWLEDGE_DIR, 'entries');
    const files = [
      ...readdirSync(dir).map((f) => join(dir, f)),
      join(DEFAULT_KNOWLEDGE_DIR, 'topics.json'),
      join(DEFAULT_KNOWLEDGE_DIR, 'lexicon.json'),
    ];
    for (const file of files) expect(jsonErrorOffset(readFileSync(file, 'utf8')), file).toBeUndefined();
  });

  it.each([
    ['{"a": 1,}', '1:9'],
    ['{\n  "a": [1, 2\n}', '3:1'],
    ['{\n  "a": "line\nbreak"\n}', '2:13'],
    ['{"a": tru}', '1:7'],
    ['{"a": 1} x', '1:10'],
    ['', '1:1'],
    ['{"a": "\\q"}', '1:8'],
  ])('%j: %s', (text, where) => {
    expect(jsonSyntaxError('f.json', text, new SyntaxError('broken'))).toBe(
      `f.json:${where}: not valid JSON: broken`,
    );
  });

  it('agrees with JSON.parse on what is JSON', () => {
    const texts = fc.oneof(
      fc.json(),
      fc
        .json()
        .chain((json) =>
          fc
            .tuple(fc.nat(json.length), fc.constantFrom('', ',', '}', ']', '"', ':', 'x', '\n'))
            .map(([at, cut]) => json.slice(0, at) + cut + json.slice(at + 1)),
        ),
    );
    fc.assert(
      fc.property(texts, (text) => {
        expect(jsonErrorOffset(text) === undefined).toBe(parses(text));
      }),
      { seed: 16, numRuns: 500 },
    );
  });
});
