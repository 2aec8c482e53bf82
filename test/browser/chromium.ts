import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Debian's chromium driven by playwright-core. CI installs chromium when it is missing (.ci/run); playwright's own
 * browser download is never used.
 */
export const CHROMIUM = '/usr/bin/chromium';
// Without the background-networking flags chromium keeps calling home, which a closed network answers slowly.
// playwright gives every launch a new empty profile directory of its own (it refuses a --user-data-dir here).
export const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // A name that is neither localhost nor 127.0.0.1, as behind a proxy or in a container (the /docs test).
  '--host-resolver-rules=MAP klarna-mock.test 127.0.0.1',
];

/** The browser, or why there is none: every test then fails with that reason (a skip would hide it in CI). */
export async function launchChromium(): Promise<Browser | Error> {
  if (!existsSync(CHROMIUM)) {
    return new Error(
      `${CHROMIUM} is missing: the browser tests need Debian's chromium. Install it with ` +
        '`apt-get install -y chromium` (.ci/run does so when it is missing).',
    );
  }
  try {
    // A bound, not a wait: under the whole suite on two cores, a cold start has taken over 10 s.
    return await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, timeout: 45_000 });
  } catch (error) {
    return new Error(`${CHROMIUM} did not start: ${(error as Error).message}`);
  }
}
