/**
 * Text from a scenario file or the command line that goes back to a
 * terminal inside a message (a bad token, a file name, an option) is made
 * printable first: a scenario must not be able to set the terminal's title,
 * clear its screen or change its colours through an error message. C0 and
 * C1 control characters and DEL become `\xNN` (`\t` `\n` `\r` `\e` are
 * spelled that way), and the invisible Unicode characters that reorder or
 * hide text (bidirectional overrides and isolates, line and paragraph
 * separators, zero-width characters, BOM) become `\u{NNNN}`.
 */

/** The characters escaped: C0, DEL, C1, and the invisible format characters that can disguise text. */
// eslint-disable-next-line no-control-regex
const UNPRINTABLE = /[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/gu;

const NAMED: Record<string, string> = { '\t': '\\t', '\n': '\\n', '\r': '\\r', '\x1b': '\\e' };

/** `s` with every non-printable character escaped (printable text, backslashes included, is unchanged). */
export function printable(s: string): string {
  return s.replace(UNPRINTABLE, (c) => {
    const named = NAMED[c];
    if (named) return named;
    const code = c.codePointAt(0) as number;
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}
