/**
 * What every bench/ script shares: `--help` answered before any work (the
 * usage is the script's doc comment), output files checked before the
 * first measurement and written atomically (src/storm/output.ts), and the
 * provenance every JSON result records (src/storm/provenance.ts).
 */
import { checkOutputFile, writeFileAtomic } from '../src/storm/output.js';
import { provenance, type Provenance } from '../src/storm/provenance.js';

/** If the arguments ask for help, print `usage` and exit 0, before anything runs. */
export function helpIfAsked(usage: string, argv: readonly string[] = process.argv.slice(2)): void {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(usage.endsWith('\n') ? usage : `${usage}\n`);
    process.exit(0);
  }
}

/** Stop with `script: message` and status 1. */
export function fail(script: string, message: string): never {
  process.stderr.write(`${script}: ${message}\n`);
  process.exit(1);
}

/** Check an output path now (before minutes of measuring); exits 1 with a message when it cannot be written. */
export function checkOutput(script: string, path: string | undefined, what: string): void {
  if (path === undefined) return;
  try {
    checkOutputFile(path, what);
  } catch (e) {
    fail(script, (e as Error).message);
  }
}

/** Write an output file atomically; exits 1 with a message when it fails (an earlier file stays as it was). */
export function writeOutput(script: string, path: string, text: string): void {
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    fail(script, (e as Error).message);
  }
}

/** The provenance of this script's run: `bench/NAME.ts` and its arguments exactly as given. */
export function benchProvenance(script: string): Provenance {
  return provenance([script], process.argv.slice(2));
}
