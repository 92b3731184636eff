/** Reading a language the user names: a code ("ru", "ru-RU", "zh-hans") or its name in any UI language. */
import type { i18n as I18nInstance } from 'i18next';
import { LANGS, type Lang } from '../knowledge/schema.js';

/** Reduces a language code ("zh-hans", "ru", "en-GB", Telegram's language_code) to a language we speak. */
export function primaryLang(languageCode: string | undefined): Lang | undefined {
  const primary = languageCode?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGS.find((lang) => lang === primary);
}

/**
 * Each language's name as written in every UI language ("русский", "russian", "俄语"...), lower case.
 * A Map, as it is looked up with user text: "__proto__" or "constructor" must find nothing.
 */
export function languageNames(i18n: I18nInstance): ReadonlyMap<string, Lang> {
  const names = new Map<string, Lang>();
  for (const ui of LANGS) {
    for (const lang of LANGS) names.set(i18n.t(`language.name.${lang}`, { lng: ui }).toLowerCase(), lang);
  }
  return names;
}

/** Reads a language the way users type it: "ru", "RU", "ru-RU", or the language's own name ("Русский"). */
export function parseLang(value: string | undefined, names?: ReadonlyMap<string, Lang>): Lang | undefined {
  const text = value?.trim().toLowerCase();
  if (!text) return undefined;
  return primaryLang(text) ?? names?.get(text);
}
