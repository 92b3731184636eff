import { describe, expect, it } from 'vitest';
import { MAX_INLINE_RESULTS } from '../../src/bot/features/inline.js';
import { createHarness, inlineQuery, realEngine, telegramHtmlProblem, tr, visibleText } from './helpers.js';

const { engine } = realEngine();

interface Article {
  type: string;
  id: string;
  title: string;
  description: string;
  input_message_content: { message_text: string; parse_mode: string };
}

function answerOf(h: ReturnType<typeof createHarness>) {
  const call = h.callsOf('answerInlineQuery')[0];
  return { results: (call?.payload.results ?? []) as Article[], payload: call?.payload ?? {} };
}

describe('inline mode', () => {
  it('answers "@bot question" with up to 5 articles, the best first', async () => {
    const h = createHarness();
    await h.handle(inlineQuery('what agreements were signed', { id: 1, language_code: 'ru' }));
    const { results, payload } = answerOf(h);
    expect(results.length).toBeGreaterThan(0);
    expect(results.length).toBeLessThanOrEqual(MAX_INLINE_RESULTS);
    const best = engine.entry('agreements-overview');
    expect(results[0]?.title).toBe(best?.i18n.en.title);
    const text = results[0]?.input_message_content.message_text ?? '';
    expect(telegramHtmlProblem(text)).toBeNull();
    expect(visibleText(text)).toContain(best?.i18n.en.answer);
    expect(payload.is_personal).toBe(true);
    expect(new Set(results.map((r) => r.id)).size).toBe(results.length);
  });

  it('uses the stored language for the articles', async () => {
    const h = createHarness();
    await h.store.setLang(2, 'zh');
    await h.handle(inlineQuery('what agreements were signed', { id: 2, language_code: 'en' }));
    const { results } = answerOf(h);
    expect(results[0]?.title).toBe(engine.entry('agreements-overview')?.i18n.zh.title);
    expect(answerOf(h).payload.button).toEqual({
      text: tr('zh', 'inline.openBot'),
      start_parameter: 'inline',
    });
  });

  it('with nothing typed yet, offers the topics in the user language', async () => {
    const h = createHarness();
    await h.handle(inlineQuery('', { id: 3, language_code: 'ru' }));
    const { results } = answerOf(h);
    const expected = engine.topics
      .slice(0, MAX_INLINE_RESULTS)
      .map((t) => engine.entry(t.entry)?.i18n.ru.title);
    expect(results.map((r) => r.title)).toEqual(expected);
  });

  it('answers an out-of-scope query with no articles rather than a wrong one', async () => {
    const h = createHarness();
    await h.handle(inlineQuery('zzzz qqqq', { id: 4, language_code: 'en' }));
    expect(h.callsOf('answerInlineQuery')).toHaveLength(1);
    expect(answerOf(h).results).toEqual([]);
  });
});
