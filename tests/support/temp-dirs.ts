import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type afterAll, afterEach } from 'vitest';

/**
 * Temporary folders for the tests of a file or suite: each call of the returned function makes one under
 * the system's temporary folder, and every folder made is removed after each test (or, with `afterAll`,
 * once the suite is done), whether the test passed or not.
 */
export function tempDirs(
  prefix: string,
  cleanUp: typeof afterEach | typeof afterAll = afterEach,
): () => string {
  const dirs: string[] = [];
  cleanUp(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  return () => {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(dir);
    return dir;
  };
}
