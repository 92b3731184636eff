import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createEngine } from '../../src/engine/engine.js';
import { createI18n } from '../../src/i18n.js';
import { DEFAULT_KNOWLEDGE_DIR, loadKnowledge } from '../../src/knowledge/load.js';
import type { Forum } from '../../src/knowledge/schema.js';
import { tempDirs } from '../support/temp-dirs.js';
import { createHarness, textMessage } from './helpers.js';

const tempDir = tempDirs('forum-facts-');

/** Another forum, written only in a copy of knowledge/forum.json: no code and no locale string changes. */
const OTHER: Forum = {
  article: 'Library forum moves north',
  date: '2026-09-21',
  city: { zh: '圣彼得堡', ru: 'Санкт-Петербург', en: 'Saint Petersburg' },
  venue: {
    name: {
      zh: '俄罗斯国家图书馆',
      ru: 'Российская национальная библиотека',
      en: 'National Library of Russia',
    },
    address: {
      zh: '圣彼得堡花园街18号',
      ru: 'Садовая ул., 18, Санкт-Петербург',
      en: 'Sadovaya St, 18, Saint Petersburg',
    },
    latitude: 59.9339,
    longitude: 30.3355,
  },
};

/** A bot over a copy of the shipped knowledge base whose forum.json says OTHER. */
function botWithOtherForum() {
  const dir = tempDir();
  cpSync(DEFAULT_KNOWLEDGE_DIR, dir, { recursive: true });
  writeFileSync(join(dir, 'forum.json'), JSON.stringify(OTHER, null, 2));
  const knowledge = loadKnowledge(dir);
  return createHarness({
    engine: createEngine(knowledge),
    deps: { i18n: createI18n(knowledge.forum) },
  });
}

const shipped = JSON.parse(readFileSync(join(DEFAULT_KNOWLEDGE_DIR, 'forum.json'), 'utf8')) as Forum;

describe('the forum facts come from knowledge/forum.json', () => {
  it('the shipped bot says Moscow, 14 August 2025 in /start', async () => {
    const h = createHarness();
    await h.handle(textMessage('/start', { id: 1, language_code: 'en' }));
    expect(h.seen()[0]?.text).toContain('(Moscow, 14 August 2025)');
    expect(shipped.date).toBe('2025-08-14');
  });

  it('/start, /help and /about say the date, city and venue of the copy, in each language', async () => {
    const h = botWithOtherForum();
    await h.handle(textMessage('/start', { id: 1, language_code: 'en' }));
    await h.handle(textMessage('/help', { id: 2, language_code: 'ru' }));
    await h.handle(textMessage('/about', { id: 3, language_code: 'zh' }));
    const [start, help, about] = h.seen().map((m) => m.text);
    expect(start).toContain('(Saint Petersburg, 21 September 2026)');
    expect(help).toContain('(Санкт-Петербург, 21 сентября 2026');
    expect(about).toContain('（2026年9月21日，圣彼得堡俄罗斯国家图书馆）');
    expect(about).toContain('《Library forum moves north》');
    for (const text of [start, help, about]) {
      expect(text).not.toMatch(/Moscow|Москв|莫斯科|2025|帕什科夫/);
      expect(text).not.toMatch(/{{|}}/);
    }
  });

  it('the map pin under a venue answer takes its place and names from the copy', async () => {
    const h = botWithOtherForum();
    await h.store.setLang(4, 'ru');
    await h.handle(textMessage('Where was the forum held?', { id: 4, language_code: 'ru' }));
    expect(h.callsOf('sendVenue')[0]?.payload).toMatchObject({
      latitude: 59.9339,
      longitude: 30.3355,
      title: 'Российская национальная библиотека',
      address: 'Садовая ул., 18, Санкт-Петербург',
    });
  });
});
