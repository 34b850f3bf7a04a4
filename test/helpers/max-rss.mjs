// Preloaded (`node --import`) into a CLI process by tests that measure its
// memory: at exit, writes the process's peak RSS (getrusage ru_maxrss, KiB)
// to the file named by PIDNS_TEST_MAXRSS_FILE.
import { writeFileSync } from 'node:fs';

const out = process.env.PIDNS_TEST_MAXRSS_FILE;
if (out) process.on('exit', () => writeFileSync(out, String(process.resourceUsage().maxRSS)));
