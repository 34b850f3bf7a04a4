/** Formatting of kernel values as the transcript shows them. */

/** WIFEXITED / WEXITSTATUS / WTERMSIG of a wait status word: `exited CODE` or `killed SIG`. */
export function formatWaitStatus(status: number): string {
  const sig = status & 0x7f;
  return sig === 0 ? `exited ${(status >> 8) & 0xff}` : `killed ${sig}`;
}
