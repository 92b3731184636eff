import { createMemoryStore } from '../../src/store/store.js';
import { storeContract } from './contract.js';
import { signalsContract } from './signals-contract.js';

storeContract('memory', { open: async () => createMemoryStore() });
signalsContract('memory', { open: async () => createMemoryStore() });
