import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { storeContract } from './contract.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

storeContract('SQLite', {
  async open(options) {
    const dir = mkdtempSync(join(tmpdir(), 'store-contract-'));
    dirs.push(dir);
    return createSqliteStore(dir, options);
  },
  // A second connection to the same file: a restart, or a second process sharing DATA_DIR.
  async reopen() {
    const dir = dirs.at(-1);
    if (!dir) throw new Error('nothing opened yet');
    return createSqliteStore(dir);
  },
});
