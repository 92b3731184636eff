// Run as a child process by poller-lock.test.ts: takes the poller lock on argv[2], says so, and waits
// to be killed (kill -9: the lock must not outlive it).
import { lockDataDir } from '../../src/store/poller-lock.js';

lockDataDir(process.argv[2] ?? '');
process.stdout.write('locked\n');
setInterval(() => {}, 1000);
