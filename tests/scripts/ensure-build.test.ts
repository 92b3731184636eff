import { spawnSync } from 'node:child_process';
import { appendFileSync, cpSync, readFileSync, statSync, symlinkSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { tempDirs } from '../support/temp-dirs.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const tempDir = tempDirs('ensure-build-');

/** A copy of what the build reads, with the freshness check, in a folder of its own. */
function checkout(): string {
  const dir = tempDir();
  for (const path of ['src', 'scripts', 'tsconfig.json', 'tsconfig.build.json', 'package.json'])
    cpSync(join(root, path), join(dir, path), { recursive: true });
  symlinkSync(join(root, 'node_modules'), join(dir, 'node_modules'));
  return dir;
}

const ensureBuild = (dir: string) =>
  spawnSync(process.execPath, [join(dir, 'scripts', 'ensure-build.mjs')], { cwd: dir, encoding: 'utf8' });
const builtAt = (dir: string) => statSync(join(dir, 'dist', 'main.js')).mtimeMs;

describe('the freshness check before npm start, ask, eval, kb:check, kb:unanswered and bench', () => {
  it('every one of those commands runs it, not the compiler', () => {
    const { scripts } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
      scripts: Record<string, string>;
    };
    for (const name of ['start', 'ask', 'eval', 'kb:check', 'kb:unanswered'])
      expect(scripts[name]).toMatch(/^node --import=\.\/scripts\/ensure-build\.mjs .*dist\//);
    expect(scripts.prebench).toBe('node scripts/ensure-build.mjs');
  });

  it('compiles a fresh checkout, then not again until a source changes', { timeout: 180_000 }, () => {
    const dir = checkout();
    const first = ensureBuild(dir);
    expect(first.status).toBe(0);
    // Nothing on stdout: `npm start --silent | ...` must show only the chat.
    expect(first.stdout).toBe('');
    const built = builtAt(dir);

    expect(ensureBuild(dir).status).toBe(0);
    expect(builtAt(dir)).toBe(built);

    // A source saved after the build: dist/ is stale and is rebuilt.
    const main = join(dir, 'src', 'main.ts');
    appendFileSync(main, '\n// edited after the build\n');
    const later = new Date(Date.now() + 5_000);
    utimesSync(main, later, later);
    expect(ensureBuild(dir).status).toBe(0);
    expect(readFileSync(join(dir, 'dist', 'main.js'), 'utf8')).toContain('// edited after the build');
  });
});
