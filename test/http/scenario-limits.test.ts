import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { ScenarioList } from '../../contracts/index.js';
import type { BuildAppOptions, MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { ACCOUNT } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

let app: MockApp;
let base: string;
const start = async (options: BuildAppOptions = {}) => {
  ({ app } = await testApp(options));
  base = await listening(app);
};
afterEach(() => app?.close());

const { admin } = klarnaClient(() => base);

const made: string[] = [];
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});
function fixtureDir(content: unknown): string {
  const dir = mkdtempSync(join(tmpdir(), 'klarna-mock-limits-'));
  made.push(dir);
  writeFileSync(join(dir, 'slow.json'), JSON.stringify(content));
  return dir;
}

describe('a delay given as a range', () => {
  it.each([
    ['max above the cap', { min: 0, max: 700_000 }, 'scenario.delay_ms.max'],
    ['max at 2^31 ms, which setTimeout would cut to 1 ms', { min: 0, max: 2 ** 31 }, 'scenario.delay_ms.max'],
    ['both ends above the cap', { min: 600_001, max: 700_000 }, 'scenario.delay_ms.min'],
  ])('is refused with 400 naming the path when it has %s', async (_what, delay, parameter) => {
    await start();
    const answer = await admin.arm({ account: ACCOUNT, scenario: { name: 'slow', delay_ms: delay } });
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      validation_errors: expect.arrayContaining([{ parameter, reason: 'Too big: expected number to be <=600000' }]),
    });
  });

  it('is accepted up to the same cap as a plain delay', async () => {
    await start();
    const answer = await admin.arm({
      account: ACCOUNT,
      scenario: { name: 'slow', delay_ms: { min: 0, max: 600_000 } },
    });
    expect(answer.status).toBe(201);
  });

  it('above the cap in a scenario file stops the start, naming the file and the path', async () => {
    const dir = fixtureDir({ scenarios: [{ name: 'slow', delay_ms: { min: 0, max: 700_000 } }] });
    await expect(testApp({ config: { fixturesDir: dir, watchFixtures: false } })).rejects.toThrow(
      /slow\.json: scenarios\[0\]\.delay_ms\.max: Too big: expected number to be <=600000/,
    );
  });
});

describe('caps on armed scenarios', () => {
  const OTHER = 'krn:partner:global:account:test:BBBBBBBB';

  it('one account at its cap gets 409, while another account can still arm', async () => {
    await start({ config: { maxArmedPerAccount: 2 } });
    expect((await admin.arm({ account: ACCOUNT, name: 'declined' })).status).toBe(201);
    expect((await admin.arm({ account: ACCOUNT, name: 'declined' })).status).toBe(201);
    const refused = await admin.arm({ account: ACCOUNT, name: 'declined' });
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchInlineSnapshot(`
      {
        "error_code": "RESOURCE_CONFLICT",
        "error_id": "00000000-0000-4000-8000-000000000005",
        "error_message": "At most 2 scenarios can be armed at once for account krn:partner:global:account:test:M48JWZF8",
        "error_type": "RESOURCE_ERROR",
      }
    `);
    expect((await admin.arm({ account: OTHER, name: 'declined' })).status).toBe(201);
    expect((await admin.arm({ name: 'declined' })).status).toBe(201);
  });

  it('an account reset frees its place', async () => {
    await start({ config: { maxArmedPerAccount: 1 } });
    expect((await admin.arm({ account: ACCOUNT, name: 'declined' })).status).toBe(201);
    expect((await admin.arm({ account: ACCOUNT, name: 'declined' })).status).toBe(409);
    await fetch(`${base}/__mock/accounts/${encodeURIComponent(ACCOUNT)}/reset`, { method: 'POST' });
    expect((await admin.arm({ account: ACCOUNT, name: 'declined' })).status).toBe(201);
  });
});

describe('the list of armed scenarios', () => {
  it('is a page: the newest `limit` after skipping `offset`, with the total', async () => {
    const { app } = await testApp();
    try {
      for (let i = 0; i < 5; i += 1) {
        const armed = await app.inject({
          method: 'POST',
          url: '/__mock/scenarios',
          payload: { account: 'krn:partner:global:account:test:PAGE1', name: 'declined' },
        });
        expect(armed.statusCode).toBe(201);
      }
      const page = await app.inject({ method: 'GET', url: '/__mock/scenarios?limit=2&offset=1' });
      const list = ScenarioList.parse(page.json());
      expect({ count: list.armed.length, total: list.total, truncated: list.truncated }).toEqual({
        count: 2,
        total: 5,
        truncated: true,
      });
    } finally {
      await app.close();
    }
  });
});
