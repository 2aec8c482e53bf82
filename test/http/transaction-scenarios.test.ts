import { beforeEach, describe, expect, it } from 'vitest';
import { PaymentCaptureResource } from '../../contracts/index.js';
import { klarnaClient } from '../support/klarna-client.js';
import { servedApp, testApp } from '../support/test-app.js';
import { transactionClient } from '../support/transaction-client.js';

const served = servedApp();
const PLAIN = { currency: 'EUR', request_payment_transaction: { amount: 5000 } };
let n = 0;
/** Each test on its own account: what one arms, another never sees. */
let account = '';
let client = transactionClient(() => served.base);
beforeEach(() => {
  n += 1;
  account = `krn:partner:global:account:test:TXS${String(n).padStart(5, '0')}`;
  client = transactionClient(() => served.base, account);
});

const { admin } = klarnaClient(() => served.base);

describe('scenarios on the payment transaction writes', () => {
  it('a capture of the magic amount 9929 is rate limited: 429 with Retry-After, nothing captured', async () => {
    const id = await client.approve(PLAIN);
    const limited = await client.capture(id, { capture_amount: 9929 });
    expect(limited.status).toBe(429);
    expect(limited.json.error_code).toBe('RATE_LIMITED');
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    expect((await client.read(id)).json).toMatchObject({ captured_amount: 0 });
    expect((await client.capture(id, { capture_amount: 1000 })).status).toBe(201);
  });

  it('a body that is not JSON has no magic amount: the operation answers it as ever', async () => {
    const id = await client.approve(PLAIN);
    const response = await fetch(
      `${served.base}/v2/accounts/${encodeURIComponent(account)}/payment/transactions/${encodeURIComponent(id)}/capture`,
      {
        method: 'POST',
        headers: { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' },
        body: '{"capture_amount": 9929',
      },
    );
    expect(response.status).toBe(400);
  });

  it('armed with match.operation capture: the next capture gets it, the one after is normal', async () => {
    const id = await client.approve(PLAIN);
    expect((await admin.arm({ account, name: 'internal-error', match: { operation: 'capture' } })).status).toBe(201);
    const failed = await client.capture(id, { capture_amount: 1000 });
    expect([failed.status, failed.json.error_code]).toEqual([500, 'INTERNAL_ERROR']);
    const next = await client.capture(id, { capture_amount: 1000 });
    expect(next.status).toBe(201);
    expect(PaymentCaptureResource.parse(next.json).amount).toBe(1000);
  });

  it('an armed capture scenario leaves authorize alone', async () => {
    expect((await admin.arm({ account, name: 'declined', match: { operation: 'capture' } })).status).toBe(201);
    const id = await client.approve(PLAIN);
    const declined = await client.capture(id, { capture_amount: 1000 });
    expect([declined.status, declined.json.error_code]).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect((await client.read(id)).json).toMatchObject({ captured_amount: 0 });
  });

  it('refuses to arm a result for an operation it cannot apply to', async () => {
    const response = await fetch(`${served.base}/__mock/scenarios`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ account, name: 'approved', match: { operation: 'refund' } }),
    });
    expect(response.status).toBe(400);
  });
});

describe('scenarios and credentials on the transaction writes', () => {
  it('answers a capture without credentials 401, whatever its magic amount', async () => {
    const { app } = await testApp();
    try {
      const response = await app.inject({
        method: 'POST',
        url: '/v2/accounts/krn:partner:global:account:test:NOCREDS1/payment/transactions/krn:payment:eu1:transaction:x/capture',
        headers: { 'content-type': 'application/json' },
        payload: { capture_amount: 9929 },
      });
      expect(response.statusCode).toBe(401);
    } finally {
      await app.close();
    }
  });
});
