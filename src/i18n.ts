import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18nInstance, type TFunction } from 'i18next';
import { forumVariables } from './knowledge/forum.js';
import { loadForum } from './knowledge/load.js';
import { type Forum, LANGS, type Lang, langSchema } from './knowledge/schema.js';

/** The shipped UI strings folder (locales/ at the repository root). */
export const DEFAULT_LOCALES_DIR = fileURLToPath(new URL('../locales', import.meta.url));

/**
 * Loads locales/<lang>/translation.json for every language into one i18next instance. Strings that name
 * the forum's date, place or source interpolate {{date}}, {{city}}, {{venue}}, {{address}} and {{article}}
 * from the knowledge base's forum facts (default: the shipped knowledge/forum.json; a function gives the
 * facts in force at each call), so facts are never written in locales/.
 */
export function createI18n(
  forum: Forum | (() => Forum) = loadForum(),
  dir: string = DEFAULT_LOCALES_DIR,
): I18nInstance {
  // A function: the facts of the knowledge base answering now (it may be reloaded while the bot runs).
  const current = typeof forum === 'function' ? forum : () => forum;
  // Written out once per forum facts (a reload brings new ones), not at every message: dates take an
  // Intl formatter each.
  let written: { forum: Forum; facts: Map<Lang, Record<string, string>> } | undefined;
  const factsIn = (lang: Lang): Record<string, string> => {
    const now = current();
    if (written?.forum !== now)
      written = { forum: now, facts: new Map(LANGS.map((l) => [l, forumVariables(now, l)])) };
    return written.facts.get(lang) ?? {};
  };
  const resources = Object.fromEntries(
    LANGS.map((lang) => [
      lang,
      { translation: JSON.parse(readFileSync(`${dir}/${lang}/translation.json`, 'utf8')) as object },
    ]),
  );
  const instance = i18next.createInstance();
  void instance.init({
    resources,
    lng: 'en',
    fallbackLng: 'en',
    supportedLngs: [...LANGS],
    initAsync: false,
    interpolation: { escapeValue: false },
    // i18next's default variables are the same in every language, and the venue's name is not: a variable
    // the caller did not pass is looked up among the forum facts of the language being translated into.
    missingInterpolationHandler: (_text, match, options) => {
      const lang = langSchema.safeParse(options?.lng ?? instance.resolvedLanguage).data ?? 'en';
      const name = String(match[1] ?? '').trim();
      const facts = factsIn(lang);
      return Object.hasOwn(facts, name) ? (facts[name] as string) : match[0];
    },
    returnNull: false,
  });
  return instance;
}

/** A translate function fixed to one language. */
export type Translate = TFunction;

/** Returns the translate function for a language. */
export function translator(i18n: I18nInstance, lang: Lang): Translate {
  return i18n.getFixedT(lang);
}
