import { createMemoryStore } from '../../src/store/store.js';
import { storeContract } from './contract.js';

storeContract('memory', { open: async () => createMemoryStore() });
