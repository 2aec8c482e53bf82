import { afterEach, describe, expect, it } from 'vitest';
import { type BuiltServer, flood, startBuiltServer } from './built-server.js';

// Issue 13: a red-team pass killed the process ("JavaScript heap out of memory") with ordinary requests, then one
// read of the journal, which decoded every kept body before applying `limit`.

const AUTH = { authorization: 'Basic k', 'content-type': 'application/json' };
/** ~16 KB of JSON that decodes to 5,400 objects, under a field the contract does not know. */
const HEAVY = JSON.stringify({
  currency: 'USD',
  request_payment_transaction: { amount: 100 },
  padding: Array.from({ length: 5400 }, () => ({})),
});
const account = (i: number) => `krn:partner:global:account:test:HOSTILE${i}`;

let server: BuiltServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

async function authorizeHeavy(base: string, i: number, accounts: number) {
  return fetch(`${base}/v2/accounts/${account(i % accounts)}/payment/authorize`, {
    method: 'POST',
    headers: AUTH,
    body: HEAVY,
  });
}

describe('reading the journal of hostile traffic, with npm start heap', () => {
  it('survives 1,000 heavy requests to one account and then reads of one entry, the default page and the report', async () => {
    server = await startBuiltServer();
    const { base } = server;
    const statuses = await flood(1000, 20, (i) => authorizeHeavy(base, i, 1));
    expect(statuses.get(200)).toBe(1000);
    const one = await fetch(`${base}/__mock/requests?account=${account(0)}&limit=1`);
    expect(one.status).toBe(200);
    const page = (await one.json()) as { requests: unknown[]; total: number; truncated: boolean };
    expect(page).toMatchObject({ total: 1000, truncated: true });
    expect(page.requests).toHaveLength(1);
    const all = await fetch(`${base}/__mock/requests`);
    expect(all.status).toBe(200);
    const list = (await all.json()) as { requests: unknown[]; truncated: boolean };
    expect(list.truncated).toBe(true);
    expect(list.requests.length).toBeGreaterThan(0);
    const report = await fetch(`${base}/__mock/report?account=${account(0)}`);
    expect(report.status).toBe(200);
    expect(((await report.json()) as { requests: number }).requests).toBe(1000);
    expect(server.alive()).toBe(true);
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200);
  }, 60_000);

  it('survives 2,500 heavy requests over 1,000 accounts and a read of every account', async () => {
    server = await startBuiltServer();
    const { base } = server;
    const statuses = await flood(2500, 20, (i) => authorizeHeavy(base, i, 1000));
    expect(statuses.get(200)).toBe(2500);
    for (const path of ['/__mock/requests', '/__mock/report']) {
      const response = await fetch(`${base}${path}`);
      expect(response.status).toBe(200);
      await response.arrayBuffer();
    }
    expect(server.alive()).toBe(true);
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200);
  }, 60_000);
});
