import type { Forum, Lang } from './schema.js';

/** The Intl locale each language writes dates in (en-GB: "14 August 2025", as the article's readers do). */
const DATE_LOCALES: Record<Lang, string> = { zh: 'zh-CN', ru: 'ru-RU', en: 'en-GB' };

/** The forum's date as a sentence in this language writes it ("14 August 2025", "14 августа 2025 г."). */
export function forumDate(forum: Forum, lang: Lang): string {
  // The date is a calendar day: read and written in UTC so no time zone moves it to the day before.
  return new Intl.DateTimeFormat(DATE_LOCALES[lang], { dateStyle: 'long', timeZone: 'UTC' }).format(
    new Date(`${forum.date}T00:00:00Z`),
  );
}

/** The facts UI strings may interpolate, in one language: {{date}}, {{city}}, {{venue}}, {{address}}, {{article}}. */
export function forumVariables(
  forum: Forum,
  lang: Lang,
): { date: string; city: string; venue: string; address: string; article: string } {
  return {
    article: forum.article,
    date: forumDate(forum, lang),
    city: forum.city[lang],
    venue: forum.venue.name[lang],
    address: forum.venue.address[lang],
  };
}
