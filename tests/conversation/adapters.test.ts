import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type ConversationState, converse, NEW_CONVERSATION } from '../../src/conversation/conversation.js';
import { createEngine } from '../../src/engine/engine.js';
import type { Lang } from '../../src/engine/types.js';
import { createI18n, translator } from '../../src/i18n.js';
import { loadKnowledge } from '../../src/knowledge/load.js';
import { buildReply } from '../../src/render/reply.js';
import { createHarness, textMessage } from '../bot/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const engine = createEngine(loadKnowledge());
const i18n = createI18n();

// One conversation: a list, a pick by ordinal, "say that in Russian", a follow-up in the chosen
// language, a pick by number after "I don't know" lists the topics, and a switch back.
const SCRIPT = [
  'what agreements were signed?',
  'tell me more about the second one',
  'по-русски, пожалуйста',
  'and who signed the first one?',
  'how is the weather today?',
  '2',
  'switch back to English',
];

/** What a user must read for each message: the body of the reply the conversation module gives. */
function expectedBodies(): string[] {
  let state: ConversationState = { ...NEW_CONVERSATION };
  let chosen: Lang | undefined;
  return SCRIPT.map((text) => {
    const outcome = converse(engine, state, text, { chosen, fallbackLang: 'en' });
    state = outcome.state;
    chosen = outcome.chosen ?? chosen;
    const { turn } = outcome;
    if (turn.kind === 'switched') return translator(i18n, turn.lang)('language.changed');
    return buildReply(turn.result, engine, translator(i18n, turn.result.lang)).body;
  });
}

describe('the same conversation in every adapter', () => {
  const bodies = expectedBodies();

  it('the script exercises what it claims (a pick, a repeat in Russian, a refusal, a switch)', () => {
    expect(bodies[1]).toContain('Far Eastern');
    expect(bodies[2]).toContain('Дальневосточн');
    expect(bodies[4]).toBe(translator(i18n, 'ru')('ask.notFound'));
    // Back to English right after an answer: that answer again, in English.
    expect(bodies[6]).not.toMatch(/\p{Script=Cyrillic}/u);
    expect(bodies[6]).not.toBe(bodies[5]);
  });

  it('the Telegram bot', async () => {
    const h = createHarness();
    const user = { id: 4242, language_code: 'en' };
    for (const text of SCRIPT) await h.handle(textMessage(text, user));
    const seen = h.seen().map((m) => m.text);
    expect(seen).toHaveLength(SCRIPT.length);
    for (const [i, body] of bodies.entries()) expect(seen[i], SCRIPT[i]).toContain(body);
  });

  it('the terminal chat', () => {
    const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'adapters-')) };
    delete env.BOT_TOKEN;
    const run = spawnSync(process.execPath, ['dist/main.js'], {
      cwd: root,
      input: `${SCRIPT.join('\n')}\n`,
      encoding: 'utf8',
      env,
    });
    expect(run.status).toBe(0);
    // In order: each reply's body after the previous one's.
    let from = 0;
    bodies.forEach((body, i) => {
      const at = run.stdout.indexOf(body, from);
      expect(at, SCRIPT[i]).toBeGreaterThanOrEqual(0);
      from = at + 1;
    });
  });

  it('the batch CLI, one conversation per chat id', () => {
    const input = SCRIPT.map((text) => JSON.stringify({ text, chat: 'c1' })).join('\n');
    const run = spawnSync(process.execPath, ['dist/bin/ask.js', '--jsonl'], {
      cwd: root,
      input,
      encoding: 'utf8',
    });
    expect(run.status).toBe(0);
    const records = run.stdout
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { answer: string });
    expect(records).toHaveLength(SCRIPT.length);
    for (const [i, body] of bodies.entries()) expect(records[i]?.answer, SCRIPT[i]).toContain(body);
  });
});
