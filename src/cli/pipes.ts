/**
 * A closed pipe ends the command quietly. When the reader of standard
 * output (or standard error) goes away — `pidns run big.pidns | head -1` —
 * the next write fails with EPIPE (Node ignores SIGPIPE, so the error comes
 * as an 'error' event). The process then ends at once with status 141, what
 * a shell reports for a program killed by SIGPIPE (128 + 13), as `yes | head`
 * does: the output was cut short, and `set -o pipefail` scripts can tell.
 * No message is written (the reader is gone) and no stack trace. Exit hooks
 * still run: the storm runner's kills its workers and shows the cursor.
 */
export const EXIT_CLOSED_PIPE = 141;

let installed = false;

/** Install the handlers on process.stdout and process.stderr (once per process). */
export function quietOnClosedPipe(): void {
  if (installed) return;
  installed = true;
  const onError = (e: NodeJS.ErrnoException): void => {
    if (e.code === 'EPIPE' || e.code === 'ERR_STREAM_DESTROYED') process.exit(EXIT_CLOSED_PIPE);
    throw e;
  };
  process.stdout.on('error', onError);
  process.stderr.on('error', onError);
}
