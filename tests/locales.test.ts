import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_LOCALES_DIR } from '../src/i18n.js';
import { forumVariables } from '../src/knowledge/forum.js';
import { loadForum } from '../src/knowledge/load.js';
import { LANGS } from '../src/knowledge/schema.js';

/** Every leaf key of a nested translation object, with its value. */
function leaves(obj: unknown, prefix = ''): Map<string, unknown> {
  const out = new Map<string, unknown>();
  for (const [k, v] of Object.entries(obj as object)) {
    const key = prefix ? `${prefix}.${k}` : k;
    if (v && typeof v === 'object') for (const [kk, vv] of leaves(v, key)) out.set(kk, vv);
    else out.set(key, v);
  }
  return out;
}

const load = (lang: string) =>
  leaves(JSON.parse(readFileSync(`${DEFAULT_LOCALES_DIR}/${lang}/translation.json`, 'utf8')));

describe('locales', () => {
  const en = load('en');

  it.each(LANGS)('%s has exactly the same keys as en, each a non-empty string', (lang) => {
    const other = load(lang);
    expect([...other.keys()].sort()).toEqual([...en.keys()].sort());
    for (const [key, value] of other) {
      expect(typeof value, key).toBe('string');
      expect((value as string).trim().length, key).toBeGreaterThan(0);
    }
  });

  it.each(LANGS)('%s uses the same {{placeholders}} as en', (lang) => {
    const other = load(lang);
    const vars = (s: unknown) => [...String(s).matchAll(/{{\s*(\w+)\s*}}/g)].map((m) => m[1]).sort();
    for (const [key, value] of en) expect(vars(other.get(key)), key).toEqual(vars(value));
  });

  it.each(LANGS)(
    '%s writes no forum fact itself: the date, city, venue and headline come from forum.json',
    (lang) => {
      const facts = Object.values(forumVariables(loadForum(), lang));
      for (const [key, value] of load(lang)) {
        for (const fact of facts) expect(String(value), key).not.toContain(fact);
      }
    },
  );
});
