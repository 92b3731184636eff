import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import stringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { loadKnowledge } from '../../src/knowledge/load.js';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Runs the program as `npm start` would (without the build step), with no token, feeding stdin. */
function chat(input: string, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'term-')), ...extra };
  delete env.BOT_TOKEN;
  delete env.NO_COLOR;
  return spawnSync(process.execPath, ['dist/main.js'], { cwd: root, input, encoding: 'utf8', env });
}

describe('terminal chat', () => {
  it('switches to Russian with /lang ru and answers an English question in Russian, then exits 0', () => {
    const run = chat('/lang ru\nwhen did the forum open?\n');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/Готово/);
    expect(run.stdout).toMatch(/14 августа 2025/);
  });

  it('switches the reply language asked for in words', () => {
    const run = chat('in Russian please\nwhen did the forum open?\n');
    expect(run.stdout).toMatch(/Готово/);
    expect(run.stdout).toMatch(/14 августа 2025/);
  });

  it('answers in the language of the question by default, and lists topics', () => {
    const run = chat('论坛在哪里举行\n/topics\n/quit\nwhere was it\n');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/帕什科夫宫/);
    expect(run.stdout).toMatch(/我可以回答的话题/);
    // Nothing after /quit is answered.
    expect(run.stdout).not.toMatch(/Pashkov House/);
  });

  it('understands a follow-up about what it just answered', () => {
    const run = chat('who is Zhang Hanhui?\nwhat did he say?\n');
    expect(run.stdout.match(/Zhang Hanhui/g)?.length).toBeGreaterThanOrEqual(2);
    expect(run.stdout).toMatch(/online literature/);
  });

  it('/agreements names both agreements; an unknown command and an unknown language are explained', () => {
    const run = chat('/agreements\n/frobnicate\n/lang fr\n');
    expect(run.stdout).toMatch(/Manuscript Reproduction Pact/);
    expect(run.stdout).toMatch(/Capital Library/);
    expect(run.stdout).toMatch(/Unknown command \/frobnicate/);
    expect(run.stdout).toMatch(/don't know the language “fr”/);
  });

  it('takes /lang with a language name, as the bot does, and /about counts the facts as the bot does', () => {
    const run = chat('/lang Русский\nwhen did the forum open?\n/about\n');
    expect(run.stdout).toMatch(/14 августа 2025/);
    const facts = loadKnowledge().entries.filter((e) => e.topic !== 'chitchat').length;
    expect(run.stdout).toContain(` ${facts} `);
  });

  it('numbers "did you mean" and topic lists, and a number picks one', () => {
    const run = chat('how is the weather today?\n2\n');
    expect(run.stdout).toMatch(/^1\. /m);
    const second = loadKnowledge().topics[1];
    expect(run.stdout).toContain(loadKnowledge().byId.get(second?.entry ?? '')?.i18n.en.answer ?? '(none)');
  });
});

const ESC = '\u001b';
// util-linux's script(1) runs a command on a pseudo-terminal; Debian and Ubuntu always have it.
const SCRIPT = ['/usr/bin/script', '/bin/script'].find((path) => existsSync(path));

/** Runs the chat on a terminal `columns` wide, typing `input`; the screen's lines, without ANSI codes too. */
function onTerminal(input: string, columns: number, extra: NodeJS.ProcessEnv = {}) {
  const env: NodeJS.ProcessEnv = { ...process.env, DATA_DIR: mkdtempSync(join(tmpdir(), 'term-')), ...extra };
  delete env.BOT_TOKEN;
  if (!('NO_COLOR' in extra)) delete env.NO_COLOR;
  const command = `stty cols ${columns} rows 40; exec ${JSON.stringify(process.execPath)} dist/main.js`;
  const run = spawnSync(SCRIPT ?? 'script', ['-qec', command, '/dev/null'], {
    cwd: root,
    input,
    encoding: 'utf8',
    env,
    timeout: 60_000,
  });
  const screen = run.stdout.replace(/\r/g, '');
  // Colours and readline's cursor moves stripped: what the eye sees.
  const visible = screen.replace(new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g'), '');
  return { run, screen, visible };
}

describe('terminal chat, piped and on a terminal', () => {
  it('piped: no prompt and no colour codes, so a script reads only the replies', () => {
    const run = chat('who spoke at the forum?\n/topics\n');
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain(ESC);
    expect(run.stdout).not.toMatch(/^> /m);
    expect(run.stdout).toMatch(/^Who spoke at the forum\?$/m);
  });

  it('numbers the /topics list, and a number picks a topic', () => {
    const run = chat('/topics\n3\n');
    const topics = loadKnowledge().topics;
    expect(run.stdout).toContain(`1. ${topics[0]?.label.en}`);
    const third = loadKnowledge().byId.get(topics[2]?.entry ?? '');
    expect(run.stdout).toContain(third?.i18n.en.answer ?? '(none)');
  });

  it("typing a suggestion's text picks it", () => {
    const topics = loadKnowledge().topics;
    const second = topics[1];
    const run = chat(`how is the weather today?\n${second?.label.en}\n`);
    expect(run.stdout).toContain(loadKnowledge().byId.get(second?.entry ?? '')?.i18n.en.answer ?? '(none)');
  });

  it('stops quietly when the reader closes the pipe early (| head -1)', () => {
    const questions = 'who spoke at the forum?\n'.repeat(50);
    const run = spawnSync(
      'bash',
      [
        '-c',
        `${JSON.stringify(process.execPath)} dist/main.js 2>"$ERR" | head -1; echo "status=\${PIPESTATUS[0]}"`,
      ],
      {
        cwd: root,
        input: questions,
        encoding: 'utf8',
        env: { ...process.env, BOT_TOKEN: '', ERR: join(mkdtempSync(join(tmpdir(), 'term-')), 'stderr') },
      },
    );
    expect(run.stdout).toMatch(/^Forum bot/);
    expect(run.stdout).toContain('status=0');
    expect(run.stdout).not.toMatch(/EPIPE|Error/);
  });

  it('a bad variable stops the chat too, naming it (LOG_LEVEL=loud)', () => {
    const run = chat('who spoke at the forum?\n', { LOG_LEVEL: 'loud' });
    expect(run.status).toBe(1);
    expect(run.stderr.trim()).toMatch(/^Invalid configuration: LOG_LEVEL must be one of/);
    expect(run.stdout).toBe('');
  });

  it.skipIf(!SCRIPT)('on a terminal: a prompt, bold titles, lines wrapped at word boundaries', () => {
    const { run, screen, visible } = onTerminal('who spoke at the forum?\n/quit\n', 60);
    expect(run.status).toBe(0);
    expect(visible).toMatch(/^> /m);
    expect(screen).toContain(`${ESC}[1;36mWho spoke at the forum?${ESC}[0m`);
    const answer = loadKnowledge().byId.get('speakers-overview')?.i18n.en.answer ?? '(none)';
    for (const line of visible.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(60);
    // Every word of the answer is on the screen whole.
    for (const word of answer.split(/\s+/)) expect(visible).toContain(word);
  });

  it.skipIf(!SCRIPT)('on a terminal with NO_COLOR: no colour codes', () => {
    const { screen, visible } = onTerminal('who spoke at the forum?\n/quit\n', 80, { NO_COLOR: '1' });
    expect(visible).toMatch(/Who spoke at the forum\?/);
    expect(screen).not.toContain(`${ESC}[1;36m`);
  });
});
