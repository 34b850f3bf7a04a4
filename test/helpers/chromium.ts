/**
 * The browser tests' one way to start Chromium: Debian's (PIDNS_CHROMIUM
 * overrides the path; playwright cannot download one here), headless, with
 * nothing that reaches the network.
 */
import { chromium, type Browser } from 'playwright-core';
import { CHROMIUM } from '../../scripts/check-chromium.mjs';

export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync',
    ],
  });
}
