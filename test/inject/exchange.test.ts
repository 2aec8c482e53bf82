import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';
import { testApp } from '../support/test-app.js';

const AUTH = { authorization: 'Basic klarna_test_api_made_up_key' };
const GOOD = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'order-1234' },
};

let app: MockApp;
beforeEach(async () => {
  ({ app } = await testApp());
});
afterEach(() => app.close());

const post = (headers: Record<string, string>) =>
  app.inject({ method: 'POST', url: AUTHORIZE_URL(), headers: { ...AUTH, ...headers }, payload: GOOD });

describe('one exchange per request, journaled once', () => {
  it('journals a request refused by a header limit in the order it arrived', async () => {
    const sends: Record<string, string>[] = [{}, { 'x-big': 'x'.repeat(7000) }, {}];
    const statuses: number[] = [];
    for (const headers of sends) statuses.push((await post(headers)).statusCode);
    expect(statuses).toEqual([200, 431, 200]);
    const entries = app.journal.entries(ACCOUNT);
    expect(entries.map((entry) => entry.status)).toEqual([200, 431, 200]);
  });

  it('journals an answered authorize exactly once, with the body as received', async () => {
    const response = await post({ 'klarna-idempotency-key': 'once' });
    expect(response.statusCode).toBe(200);
    const entries = app.journal.entries(ACCOUNT);
    expect(entries.map((entry) => [entry.id, entry.body])).toEqual([[response.headers['klarna-correlation-id'], GOOD]]);
  });
});
