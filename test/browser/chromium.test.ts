import { describe, expect, it } from 'vitest';
import { CHROMIUM_ENV, type ChromiumLookup, chromiumPlan, DEBIAN_CHROMIUM, findChromium } from './chromium.js';

const PLAYWRIGHTS = '/home/dev/.cache/ms-playwright/chromium-1/chrome-linux64/chrome';

/** A machine where exactly `present` exist. */
const machine = (present: string[], env: Record<string, string> = {}): ChromiumLookup => ({
  env,
  exists: (path) => present.includes(path),
  playwrightExecutable: () => PLAYWRIGHTS,
});

describe('finding chromium for the browser tests', () => {
  it('takes the executable named by KLARNA_MOCK_CHROMIUM before any other', () => {
    const found = findChromium(
      machine(['/opt/chrome', DEBIAN_CHROMIUM, PLAYWRIGHTS], { [CHROMIUM_ENV]: '/opt/chrome' }),
    );
    expect(found).toEqual({ path: '/opt/chrome', source: CHROMIUM_ENV });
  });

  it('reports a KLARNA_MOCK_CHROMIUM that does not exist instead of falling back to another browser', () => {
    const found = findChromium(machine([DEBIAN_CHROMIUM], { [CHROMIUM_ENV]: '/opt/nothing' }));
    expect(found).toEqual({ path: undefined, missing: `${CHROMIUM_ENV}=/opt/nothing does not exist` });
  });

  it("takes Debian's chromium without the setting, before playwright's", () => {
    expect(findChromium(machine([DEBIAN_CHROMIUM, PLAYWRIGHTS])).path).toBe(DEBIAN_CHROMIUM);
  });

  it("takes playwright's own chromium when it is installed and Debian's is not", () => {
    expect(findChromium(machine([PLAYWRIGHTS]))).toEqual({ path: PLAYWRIGHTS, source: "playwright's chromium" });
  });

  it('finds none when playwright knows no path and nothing else exists, saying how to get one', () => {
    const found = findChromium({ env: {}, exists: () => false, playwrightExecutable: () => undefined });
    expect(found.path).toBeUndefined();
    expect('missing' in found && found.missing).toContain(CHROMIUM_ENV);
    expect('missing' in found && found.missing).toContain('apt-get install -y chromium');
  });
});

describe('what the browser tests do with what was found', () => {
  it('launch the browser found, CI or not', () => {
    const found = { path: DEBIAN_CHROMIUM, source: "Debian's chromium" };
    expect(chromiumPlan(found, {})).toEqual({ action: 'launch', path: DEBIAN_CHROMIUM, source: "Debian's chromium" });
    expect(chromiumPlan(found, { CI: '1' }).action).toBe('launch');
  });

  it('are skipped with the reason printed when none was found outside CI', () => {
    const plan = chromiumPlan({ path: undefined, missing: 'no chromium' }, {});
    expect(plan).toEqual({ action: 'skip', reason: expect.stringContaining('browser tests skipped: no chromium') });
  });

  it.each(['1', 'true'])('fail with the reason when none was found and CI=%s', (ci) => {
    const plan = chromiumPlan({ path: undefined, missing: 'no chromium' }, { CI: ci });
    expect(plan).toEqual({ action: 'fail', reason: 'CI is set, so the browser tests must run, but no chromium' });
  });

  it.each(['', 'false', '0'])('count CI=%j as not CI', (ci) => {
    expect(chromiumPlan({ path: undefined, missing: 'no chromium' }, { CI: ci }).action).toBe('skip');
  });
});
