import { afterAll } from 'vitest';
import { createSqliteStore } from '../../src/store/sqlite.js';
import { tempDirs } from '../support/temp-dirs.js';
import { type ContractSubject, storeContract } from './contract.js';
import { signalsContract } from './signals-contract.js';

// Kept until the suite is done: a test reopens what it wrote.
const tempDir = tempDirs('store-contract-', afterAll);
let last: string | undefined;

const sqlite = {
  async open(options?: { maxUnanswered?: number }) {
    last = tempDir();
    return createSqliteStore(last, options);
  },
  // A second connection to the same file: a restart, or a second process sharing DATA_DIR.
  async reopen() {
    if (!last) throw new Error('nothing opened yet');
    return createSqliteStore(last);
  },
} satisfies ContractSubject;
storeContract('SQLite', sqlite);
signalsContract('SQLite', sqlite);
