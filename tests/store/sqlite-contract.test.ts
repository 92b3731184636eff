import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { tempDirs } from '../support/temp-dirs.js';
import { storeContract } from './contract.js';

// Kept until the suite is done: a test reopens what it wrote.
const tempDir = tempDirs('store-contract-', afterAll);
let last: string | undefined;

storeContract('SQLite', {
  async open(options) {
    last = tempDir();
    return createSqliteStore(last, options);
  },
  // A second connection to the same file: a restart, or a second process sharing DATA_DIR.
  async reopen() {
    if (!last) throw new Error('nothing opened yet');
    return createSqliteStore(last);
  },
});
