// Runs before `npm start`, `npm run ask` and the other commands that run dist/ (preloaded with
// `node --import=./scripts/ensure-build.mjs`, which spares a process, or as `prebench`): compiles only when
// a source is newer than the last build, so an unchanged checkout starts without paying for tsc (~2-10 s).
// `--force` (the `build` script) always compiles, then records the stamp.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
/** Written after every successful build; its mtime is the time of that build's start. */
const STAMP = join(root, 'dist', '.build-stamp');
/** What the build reads: a change to any of these makes dist/ stale. */
const INPUTS = ['src', 'tsconfig.json', 'tsconfig.build.json', 'package.json'];

/** The newest modification time under `path` (a file or a folder, walked recursively), 0 if absent. */
function newest(path) {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let max = stat.mtimeMs; // a deleted file shows only as its folder's change
  for (const name of readdirSync(path)) max = Math.max(max, newest(join(path, name)));
  return max;
}

/** The stamp's time, or -1 when there was no build yet. */
function stampTime() {
  try {
    return statSync(STAMP).mtimeMs;
  } catch {
    return -1;
  }
}

// Preloaded, process.argv is the program's own (`npm run ask -- --force` is a question's flag, not ours).
const direct = process.argv[1] === fileURLToPath(import.meta.url);
const force = direct && process.argv.includes('--force');
const inputs = Math.max(...INPUTS.map((p) => newest(join(root, p))));
// A dist/ emptied by hand (the stamp left behind) is stale too.
if (force || stampTime() < inputs || !existsSync(join(root, 'dist', 'main.js'))) {
  // Stamp with the time the build started: a file saved during tsc makes the next run build again.
  const started = new Date();
  const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
  const run = spawnSync(process.execPath, [tsc, '-p', join(root, 'tsconfig.build.json')], {
    cwd: root,
    // Compiler messages on stderr: the chat's and the CLIs' standard output stays theirs alone.
    stdio: ['ignore', 2, 2],
  });
  if (run.status !== 0) process.exit(run.status ?? 1);
  writeFileSync(STAMP, `${started.toISOString()}\n`);
  utimesSync(STAMP, started, started);
}
