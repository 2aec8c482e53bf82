import { afterEach, describe, expect, it } from 'vitest';
import { type BuiltServer, flood, startBuiltServer } from './built-server.js';
import { account, armNeverFiring, authorize, postJson, SMALL_AUTHORIZE } from './hostile-traffic.js';

// Issue 13: 10,000 scenarios armed for all accounts, each with a match.nth that never fires, made every authorize
// of every account examine all of them; a ranged delay had no cap.

let server: BuiltServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('armed scenarios, with npm start heap', () => {
  it('refuses most of 10,000 scenarios armed for all accounts with 409, and other accounts are still served', async () => {
    server = await startBuiltServer();
    const { base } = server;
    const statuses = await flood(10_000, 20, () => armNeverFiring(base));
    // The default cap of scenarios armed for all accounts (maxArmedForAll) is 100.
    expect(Object.fromEntries(statuses)).toEqual({ 201: 100, 409: 9_900 });
    const refused = await armNeverFiring(base);
    expect(refused.status).toBe(409);
    expect(await refused.json()).toMatchObject({ error_code: 'RESOURCE_CONFLICT', error_type: 'RESOURCE_ERROR' });

    expect((await armNeverFiring(base, account('ARMOTHER'))).status).toBe(201);
    const served = await authorize(base, account('SERVED'), SMALL_AUTHORIZE);
    expect(served.status).toBe(200);
    expect(await served.json()).toMatchObject({ payment_transaction_response: { result: 'APPROVED' } });
    expect(server.alive()).toBe(true);
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200);
  }, 60_000);

  it('refuses a delay range above the cap with 400 naming the field', async () => {
    server = await startBuiltServer();
    const { base } = server;
    const response = await postJson(`${base}/__mock/scenarios`, {
      account: account('DELAY'),
      scenario: { name: 'slow', delay_ms: { min: 0, max: 2 ** 31 } },
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      error_code: 'VALIDATION_ERROR',
      validation_errors: [{ parameter: 'scenario.delay_ms.max' }],
    });
    expect(server.alive()).toBe(true);
    expect((await fetch(`${base}/__mock/health`)).status).toBe(200);
  });
});
