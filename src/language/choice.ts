/** Reading a language the user names: a code ("ru", "ru-RU", "zh-hans") or its name in any UI language. */
import type { i18n as I18nInstance } from 'i18next';
import { LANGS, type Lang } from '../knowledge/schema.js';

/** Reduces a language code ("zh-hans", "ru", "en-GB", Telegram's language_code) to a language we speak. */
export function primaryLang(languageCode: string | undefined): Lang | undefined {
  const primary = languageCode?.trim().toLowerCase().split(/[-_]/)[0];
  return LANGS.find((lang) => lang === primary);
}

/** Each language's name as written in every UI language ("русский", "russian", "俄语"...), lower case. */
export function languageNames(i18n: I18nInstance): Readonly<Record<string, Lang>> {
  const names: Record<string, Lang> = {};
  for (const ui of LANGS) {
    for (const lang of LANGS) names[i18n.t(`language.name.${lang}`, { lng: ui }).toLowerCase()] = lang;
  }
  return names;
}

/** Reads a language the way users type it: "ru", "RU", "ru-RU", or the language's own name ("Русский"). */
export function parseLang(
  value: string | undefined,
  names?: Readonly<Record<string, Lang>>,
): Lang | undefined {
  const text = value?.trim().toLowerCase();
  if (!text) return undefined;
  return primaryLang(text) ?? (Object.hasOwn(names ?? {}, text) ? names?.[text] : undefined);
}
