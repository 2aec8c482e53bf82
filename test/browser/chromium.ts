import { existsSync } from 'node:fs';
import { type Browser, chromium } from 'playwright-core';

/**
 * Which chromium the browser tests drive, by setting: KLARNA_MOCK_CHROMIUM, then Debian's package, then a browser
 * playwright installed itself (`npx playwright-core install chromium`). Nothing is ever downloaded here.
 */
export const CHROMIUM_ENV = 'KLARNA_MOCK_CHROMIUM';
export const DEBIAN_CHROMIUM = '/usr/bin/chromium';
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

/** What the finder may look at; injected so the choice is tested without a machine to match. */
export interface ChromiumLookup {
  env: Record<string, string | undefined>;
  exists: (path: string) => boolean;
  /** Where playwright keeps its own chromium, whether or not it was installed. */
  playwrightExecutable: () => string | undefined;
}

export type ChromiumFound = { path: string; source: string } | { path: undefined; missing: string };

export function findChromium({ env, exists, playwrightExecutable }: ChromiumLookup): ChromiumFound {
  const chosen = env[CHROMIUM_ENV];
  if (chosen) {
    // An explicit choice that is wrong is reported, not silently replaced by another browser.
    return exists(chosen)
      ? { path: chosen, source: CHROMIUM_ENV }
      : { path: undefined, missing: `${CHROMIUM_ENV}=${chosen} does not exist` };
  }
  if (exists(DEBIAN_CHROMIUM)) return { path: DEBIAN_CHROMIUM, source: "Debian's chromium" };
  const own = playwrightExecutable();
  if (own && exists(own)) return { path: own, source: "playwright's chromium" };
  return {
    path: undefined,
    missing:
      `no chromium: set ${CHROMIUM_ENV} to a chromium or chrome executable, install Debian's ` +
      `(apt-get install -y chromium, as .ci/run does) or playwright's (npx playwright-core install chromium)`,
  };
}

/** Run with the browser found; without one, skip on a workstation but fail in CI, where a skip would hide it. */
export type ChromiumPlan =
  | { action: 'launch'; path: string; source: string }
  | { action: 'skip'; reason: string }
  | { action: 'fail'; reason: string };

export function chromiumPlan(found: ChromiumFound, env: Record<string, string | undefined>): ChromiumPlan {
  if (found.path !== undefined) return { action: 'launch', path: found.path, source: found.source };
  // CI=false and CI=0 are how some runners say "not CI".
  const ci = env.CI !== undefined && env.CI !== '' && env.CI !== 'false' && env.CI !== '0';
  return ci
    ? { action: 'fail', reason: `CI is set, so the browser tests must run, but ${found.missing}` }
    : { action: 'skip', reason: `browser tests skipped: ${found.missing} (with CI set they fail instead)` };
}

function playwrightExecutable(): string | undefined {
  try {
    return chromium.executablePath();
  } catch {
    return undefined;
  }
}

/** This machine's plan, worked out when asked (each browser test file asks once, as it starts). */
export function machineChromiumPlan(): ChromiumPlan {
  return chromiumPlan(findChromium({ env: process.env, exists: existsSync, playwrightExecutable }), process.env);
}

/** The browser tests on a machine without chromium, outside CI: every test skips with this reason. */
export class NoChromium {
  constructor(readonly reason: string) {}
}

/**
 * The browser; `NoChromium` when the tests are to be skipped (the reason is printed once); or why there is none,
 * when they must run: every test then fails with that reason.
 */
export async function launchChromium(plan = machineChromiumPlan()): Promise<Browser | NoChromium | Error> {
  if (plan.action === 'skip') {
    console.warn(plan.reason);
    return new NoChromium(plan.reason);
  }
  if (plan.action === 'fail') return new Error(plan.reason);
  try {
    // A bound, not a wait: under the whole suite on two cores, a cold start has taken over 10 s.
    return await chromium.launch({ executablePath: plan.path, args: CHROMIUM_ARGS, timeout: 45_000 });
  } catch (error) {
    return new Error(`${plan.path} (${plan.source}) did not start: ${(error as Error).message}`);
  }
}
