/**
 * How long a newcomer waits: `npm start` with no BOT_TOKEN and piped stdin, from the spawn to the terminal
 * chat's banner on stdout (npm, the freshness check of dist/ and the program's own start-up included).
 * Run alone: `node --import tsx bench/start-up.ts [runs] [folder]` prints the median in milliseconds.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The banner must appear within this long of `npm start` on a 2-core machine. */
export const START_BANNER_TARGET_MS = 1_000;
/** Runs for the median when none are asked for. */
export const DEFAULT_START_RUNS = 7;
/** A run that shows no banner in this long has failed. */
const RUN_TIMEOUT_MS = 60_000;

/** Time to the banner: the median and every run, in milliseconds. */
export interface StartFigures {
  banner_ms: number;
  runs_ms: number[];
}

/** One `npm start`: milliseconds until its first line of output; then it is told to end (end of input). */
function timeBanner(cwd: string): Promise<number> {
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-start-'));
  const { BOT_TOKEN: _token, NODE_OPTIONS: _options, ...env } = process.env;
  return new Promise<number>((resolve, reject) => {
    const started = performance.now();
    const child = spawn('npm', ['start', '--silent'], {
      cwd,
      env: { ...env, DATA_DIR: dataDir },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    let banner: number | undefined;
    const timer = setTimeout(() => child.kill(), RUN_TIMEOUT_MS);
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out += chunk;
      if (banner === undefined && out.includes('\n')) {
        banner = performance.now() - started;
        child.stdin.end();
      }
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      err += chunk;
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      rmSync(dataDir, { recursive: true, force: true });
      if (banner === undefined || code !== 0) reject(new Error(`npm start failed (${code}): ${err || out}`));
      else resolve(banner);
    });
  });
}

/** Median time from `npm start` to the banner over `runs` runs, after one untimed run (warm page cache). */
export async function measureStartBanner(
  runs: number = DEFAULT_START_RUNS,
  cwd: string = fileURLToPath(new URL('..', import.meta.url)),
): Promise<StartFigures> {
  await timeBanner(cwd);
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(await timeBanner(cwd));
  const sorted = [...times].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median =
    sorted.length % 2 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  return { banner_ms: Number(median.toFixed(1)), runs_ms: times.map((t) => Number(t.toFixed(1))) };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const runs = Number(process.argv[2] ?? DEFAULT_START_RUNS);
  const figures = await measureStartBanner(runs, process.argv[3]);
  process.stdout.write(
    `npm start to the terminal banner (median of ${runs}): ${figures.banner_ms} ms; runs: ${figures.runs_ms.join(' ')} ms\n`,
  );
}
