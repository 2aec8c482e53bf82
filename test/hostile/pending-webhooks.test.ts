import { afterEach, describe, expect, it } from 'vitest';
import { type BuiltServer, flood, startBuiltServer } from './built-server.js';
import {
  account,
  approveAsCustomer,
  authorize,
  closedPortUrl,
  paymentRequestOf,
  postJson,
  stepUpBody,
} from './hostile-traffic.js';

// Issue 13: webhooks to a receiver that never answers stayed pending, each with its signed body, for the 12 hours
// of retries: 74k of them took RSS to 340 MB. Small caps here make them bite within a few hundred events.

const PER_ACCOUNT = 32 * 1024;
const IN_ALL = 64 * 1024;
/** What one pending delivery counts at least: 1 KB beyond its body and URL. */
const AT_LEAST = 1024;
const ACCOUNTS = ['HOOKS1', 'HOOKS2', 'HOOKS3'].map(account);
const STEP_UPS = 120;

let server: BuiltServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

interface Delivery {
  state: string;
  last_error?: string;
}

describe('pending webhook deliveries to a receiver that is down, with npm start heap', () => {
  it('drops the oldest past the byte caps and keeps serving', async () => {
    server = await startBuiltServer([], { webhookPendingBytesPerAccount: PER_ACCOUNT, webhookPendingBytes: IN_ALL });
    const { base } = server;
    const url = await closedPortUrl();
    for (const of of ACCOUNTS)
      expect((await postJson(`${base}/__mock/webhooks`, { account: of, url })).status).toBe(201);

    // Each step-up is a state change, and so is each approval: two events per payment request.
    const body = JSON.stringify(stepUpBody(100, {}));
    const statuses = await flood(STEP_UPS * ACCOUNTS.length, 8, async (i) => {
      const response = await authorize(base, ACCOUNTS[i % ACCOUNTS.length] as string, body);
      const request = await paymentRequestOf(response);
      return request === undefined ? response : approveAsCustomer(base, request.id);
    });
    expect(Object.fromEntries(statuses)).toEqual({ 200: STEP_UPS * ACCOUNTS.length });

    let pendingInAll = 0;
    for (const of of ACCOUNTS) {
      const read = await fetch(`${base}/__mock/webhooks?account=${encodeURIComponent(of)}&limit=1000`);
      expect(read.status).toBe(200);
      const { deliveries } = (await read.json()) as { deliveries: Delivery[] };
      const pending = deliveries.filter((d) => d.state === 'pending').length;
      const dropped = deliveries.filter((d) => d.state === 'dropped');
      expect(pending).toBeGreaterThan(0);
      expect(pending * AT_LEAST).toBeLessThanOrEqual(PER_ACCOUNT);
      expect(dropped.length).toBeGreaterThan(STEP_UPS);
      expect(dropped[0]?.last_error).toMatch(/^dropped: pending webhooks of /);
      pendingInAll += pending;
    }
    expect(pendingInAll * AT_LEAST).toBeLessThanOrEqual(IN_ALL);
    expect(server.alive()).toBe(true);
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200);
  }, 60_000);
});
