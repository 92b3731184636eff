import { type ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { realEngine, tr } from '../bot/helpers.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const { engine } = realEngine();
// Generous: the machine running the tests may be busy, and the bot answers each message in turn.
const POLL = { timeout: 30_000, interval: 50 };

/** `npm run dev:telegram` as built (npm test builds before running vitest), with piped standard streams. */
function start() {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, ['dist/bin/dev-telegram.js'], {
    cwd: root,
    // No token and no API root from the environment may reach it: it must make its own.
    env: { PATH: process.env.PATH ?? '' },
  });
  const run = { child, stdout: '', stderr: '', exit: undefined as number | null | undefined };
  child.stdout.on('data', (d: Buffer) => {
    run.stdout += d.toString('utf8');
  });
  child.stderr.on('data', (d: Buffer) => {
    run.stderr += d.toString('utf8');
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  void exited.then((code) => {
    run.exit = code;
  });
  return { run, exited };
}

const children: ChildProcessWithoutNullStreams[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
});

describe('npm run dev:telegram', () => {
  it('says how to use it, answers /start and a question through the emulator, and exits 0 at end of input', async () => {
    const { run, exited } = start();
    children.push(run.child);
    await expect.poll(() => run.stdout, POLL).toMatch(/Ctrl-D or \/quit/);
    expect(run.stdout).toMatch(/emulator at http:\/\/127\.0\.0\.1:\d+/);

    run.child.stdin.write('/start\n');
    // A /start with its bot_command entity gets the welcome, not an answer to the question "/start".
    await expect.poll(() => run.stdout, POLL).toContain(tr('en', 'start.welcome'));
    for (const topic of engine.topics) expect(run.stdout).toContain(`[${topic.label.en}]`);

    run.child.stdin.write('/lang ru\nwhen did the forum open?\n');
    const answer = engine.entry('forum-date')?.i18n.ru.answer ?? '';
    await expect.poll(() => run.stdout, POLL).toContain(answer);
    expect(run.stdout).toContain(tr('ru', 'language.changed'));
    expect(run.stdout).toContain('[📄 Источник]');

    run.child.stdin.end();
    expect(await exited).toBe(0);
    expect(run.stdout).toMatch(/Stopped the bot and the emulator\.\n$/);
    // The emulator has no setMyCommands: start-up must not flood the terminal with its failures.
    expect(run.stderr.match(/setMyCommands/g)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(run.stderr).toBe('');
  }, 90_000);

  it('shows the venue pin, presses a button typed as [label], and /quit stops while the input is still open', async () => {
    const { run, exited } = start();
    children.push(run.child);
    run.child.stdin.write('where was the forum held?\n');
    await expect.poll(() => run.stdout, POLL).toContain(engine.entry('forum-venue')?.i18n.en.answer ?? '');
    await expect
      .poll(() => run.stdout, POLL)
      .toMatch(/📍 Pashkov House of the Russian State Library, Vozdvizhenka/);
    // A button is pressed by typing its label in brackets: the source quote comes back.
    run.child.stdin.write(`[${tr('en', 'bot.sourceButton')}]\n`);
    await expect.poll(() => run.stdout, POLL).toContain(engine.entry('forum-venue')?.source[0] ?? '');
    expect(run.stdout).toContain(tr('en', 'ask.source'));
    run.child.stdin.write('/quit\n');
    expect(await exited).toBe(0);
    expect(run.stdout).toContain('Stopped the bot and the emulator.');
  }, 90_000);
});
