/** The Chromium the browser suites drive: $PIDNS_CHROMIUM or /usr/bin/chromium. */
export declare const CHROMIUM: string;
/** null when Chromium can be run, else the one-line reason and remedy. */
export declare function chromiumMissing(path?: string): string | null;
