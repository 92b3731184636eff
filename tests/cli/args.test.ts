import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseCliArgs } from '../../src/cli/args.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const USAGE = 'usage: demo [--json] [--name <x>] [file]';

/** Parses `args` as a command taking --json, --name <x> and at most one file; what it wrote, and the result. */
function demo(args: string[]) {
  const out = { stdout: '', stderr: '' };
  const io = {
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
  };
  const result = parseCliArgs(
    {
      args,
      allowPositionals: true,
      maxPositionals: 1,
      options: { json: { type: 'boolean' }, name: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    },
    USAGE,
    io,
  );
  return { ...out, result };
}

describe('the shared argument parser', () => {
  it('gives the parsed values of a well-formed call', () => {
    const { result, stderr } = demo(['--name', 'x', 'file.json']);
    expect(stderr).toBe('');
    expect(result).toMatchObject({ values: { name: 'x' }, positionals: ['file.json'] });
  });

  it("words every malformed call as one line with the usage, exit code 2, never Node's own text", () => {
    for (const [args, reason] of [
      [['--frob'], 'unknown option --frob'],
      [['-x'], 'unknown option -x'],
      [['--name'], '--name needs a value'],
      [['--name', '-x'], '--name needs a value'],
      [['--json=1'], '--json takes no value'],
      [['a', 'b'], 'unexpected argument "b"'],
    ] as const) {
      const { result, stderr, stdout } = demo([...args]);
      expect(result).toBe(2);
      expect(stdout).toBe('');
      expect(stderr).toBe(`${reason}; ${USAGE}\n`);
    }
  });

  it('with --json, a malformed call is one JSON object on stdout', () => {
    const { result, stdout, stderr } = demo(['--json', '--frob']);
    expect(result).toBe(2);
    expect(stderr).toBe('');
    expect(JSON.parse(stdout)).toEqual({ error: 'unknown option --frob', usage: USAGE });
  });

  it('takes a value that starts with "-" when written --name=-x, and "--" ends the options', () => {
    expect(demo(['--name=-x']).result).toMatchObject({ values: { name: '-x' } });
    expect(demo(['--', '--frob']).result).toMatchObject({ positionals: ['--frob'] });
  });

  it('prints the usage for --help, exit code 0', () => {
    const { result, stdout } = demo(['--help']);
    expect(result).toBe(0);
    expect(stdout).toBe(`${USAGE}\n`);
  });
});

describe('npm run eval', () => {
  it('refuses an unknown option in one line, exit 2, before any work', () => {
    const run = spawnSync(process.execPath, ['dist/bin/eval.js', '--frob'], { cwd: root, encoding: 'utf8' });
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('unknown option --frob; usage: eval [--json] [--ablate]\n');
  });
});
