/**
 * A child process for the state tests: writes to the bot's store and prints "ack <i>" after each write
 * returns (the point at which the bot would reply). Usage: store-writer.ts <dataDir> <firstUser> <count>
 * (count 0: until killed).
 */
import { writeSync } from 'node:fs';
import { LANGS } from '../../src/knowledge/schema.js';
import { createSqliteStore } from '../../src/store/sqlite.js';

const [dataDir = '', first = '1', count = '0'] = process.argv.slice(2);
const store = createSqliteStore(dataDir);
const start = Number(first);
const end = Number(count) > 0 ? start + Number(count) : Number.POSITIVE_INFINITY;
writeSync(1, 'ready\n');
for (let i = start; i < end; i++) {
  await store.setLang(i, LANGS[i % LANGS.length] ?? 'en');
  await store.logUnanswered({ text: `question ${i}`, lang: 'en', score: 0.1, kind: 'notFound', at: i });
  await store.recordVote({ entryId: 'forum-date', vote: i % 2 ? 'up' : 'down', lang: 'en', at: i });
  // The user everyone writes: the last write must win, and none may fail for a busy database.
  await store.setLang(1, LANGS[i % LANGS.length] ?? 'en');
  writeSync(1, `ack ${i}\n`);
}
store.close();
