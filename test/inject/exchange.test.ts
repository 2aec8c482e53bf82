import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { klarnaClient } from '../support/klarna-client.js';
import { ACCOUNT } from '../support/samples.js';
import { testApp } from '../support/test-app.js';

const API_KEY = 'klarna_test_api_made_up_key';
const GOOD = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'order-1234' },
};

let app: MockApp;
beforeEach(async () => {
  ({ app } = await testApp());
});
afterEach(() => app.close());

const post = (headers: Record<string, string>) => klarnaClient(app).authorize(GOOD, { apiKey: API_KEY, headers });

describe('one exchange per request, journaled once', () => {
  it('journals a request refused by a header limit in the order it arrived', async () => {
    const sends: Record<string, string>[] = [{}, { 'x-big': 'x'.repeat(7000) }, {}];
    const statuses: number[] = [];
    for (const headers of sends) statuses.push((await post(headers)).status);
    expect(statuses).toEqual([200, 431, 200]);
    const entries = await app.journal.entries(ACCOUNT);
    expect(entries.map((entry) => entry.status)).toEqual([200, 431, 200]);
  });

  it('journals an answered authorize exactly once, with the body as received', async () => {
    const response = await post({ 'klarna-idempotency-key': 'once' });
    expect(response.status).toBe(200);
    const entries = await app.journal.entries(ACCOUNT);
    expect(entries.map((entry) => [entry.id, entry.body])).toEqual([
      [response.headers.get('klarna-correlation-id'), GOOD],
    ]);
  });

  it('journals a refused authorize once, with the refusal it was answered with', async () => {
    const refused = await klarnaClient(app).authorize(
      { ...GOOD, request_payment_transaction: { amount: 118.5 } },
      { apiKey: API_KEY, headers: {} },
    );
    expect(refused.status).toBe(400);
    const entries = await app.journal.entries(ACCOUNT);
    expect(entries).toHaveLength(1);
    expect(entries[0]?.id).toBe(refused.headers.get('klarna-correlation-id'));
    expect(entries[0]?.findings).toEqual([
      expect.objectContaining({
        severity: 'error',
        code: 'VALIDATION_ERROR',
        parameter: 'request_payment_transaction.amount',
      }),
    ]);
  });
});
