import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import i18next, { type i18n as I18nInstance, type TFunction } from 'i18next';
import { LANGS, type Lang } from './knowledge/schema.js';

/** The shipped UI strings folder (locales/ at the repository root). */
export const DEFAULT_LOCALES_DIR = fileURLToPath(new URL('../locales', import.meta.url));

/** Loads locales/<lang>/translation.json for every language into one i18next instance. */
export function createI18n(dir: string = DEFAULT_LOCALES_DIR): I18nInstance {
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
