import { describe, expect, it } from 'vitest';
import { RequestList } from '../../contracts/index.js';
import { ACCOUNT, loadSamples } from '../support/samples.js';
import { servedApp } from '../support/test-app.js';

// Client verification sees every Klarna operation a client calls, not only authorize.

const served = servedApp();
const AUTH = { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' };
const STEP_UP = loadSamples()['initial-authorization-step-up']?.body;
const journal = async (account: string) =>
  RequestList.parse(await (await fetch(`${served.base}/__mock/requests?account=${encodeURIComponent(account)}`)).json())
    .requests;

describe('the journal of the operations beside authorize', () => {
  it('records payment requests, transactions and webhook management in the order they arrived, tokens redacted', async () => {
    const account = 'krn:partner:global:account:test:JOURNAL1';
    const base = `${served.base}/v2/accounts/${account}/payment`;
    const created = await fetch(`${base}/requests`, {
      method: 'POST',
      headers: { ...AUTH, 'klarna-customer-token': 'krn:customer-token:eu1:secret', 'klarna-idempotency-key': 'k1' },
      body: JSON.stringify({ currency: 'USD', amount: 1000, customer_interaction_config: { method: 'SDK' } }),
    });
    expect(created.status).toBe(201);
    const transaction = await fetch(`${base}/transactions/krn:payment:eu1:transaction:nope`, { headers: AUTH });
    expect(transaction.status).toBe(404);
    const entries = await journal(account);
    expect(entries.map((e) => [e.method, e.path.replace(served.base, ''), e.status])).toEqual([
      ['POST', `/v2/accounts/${account}/payment/requests`, 201],
      ['GET', `/v2/accounts/${account}/payment/transactions/krn:payment:eu1:transaction:nope`, 404],
    ]);
    expect(entries[0]?.headers).toMatchObject({ authorization: '[redacted]', 'klarna-customer-token': '[redacted]' });
    expect(entries[0]?.body).toMatchObject({ currency: 'USD', amount: 1000 });
  });

  it('names a refused request in the findings, and journals webhook management on the key account', async () => {
    const account = 'krn:partner:global:account:test:DEFAULT';
    const refused = await fetch(`${served.base}/v2/notification/webhooks`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify({ url: 'ftp://nope', event_types: [] }),
    });
    expect(refused.status).toBe(400);
    const [entry] = (await journal(account)).filter((e) => e.path === '/v2/notification/webhooks');
    expect(entry?.status).toBe(400);
    expect(entry?.findings.some((f) => f.severity === 'error' && f.code === 'VALIDATION_ERROR')).toBe(true);
  });

  it('keeps authorize journaled once', async () => {
    const account = 'krn:partner:global:account:test:JOURNAL2';
    await fetch(`${served.base}/v2/accounts/${account}/payment/authorize`, {
      method: 'POST',
      headers: AUTH,
      body: JSON.stringify(STEP_UP),
    });
    expect(await journal(account)).toHaveLength(1);
  });
});

describe('Mock-Scenario on the operations beside authorize', () => {
  const create = (scenario: string) =>
    fetch(`${served.base}/v2/accounts/${ACCOUNT}/payment/requests`, {
      method: 'POST',
      headers: { ...AUTH, 'mock-scenario': scenario },
      body: JSON.stringify({ currency: 'USD', amount: 1000, customer_interaction_config: { method: 'SDK' } }),
    });

  it('answers an error scenario instead of the operation, with its Klarna body', async () => {
    const answer = await create('rate-limited');
    expect(answer.status).toBe(429);
    expect(answer.headers.get('retry-after')).toBe('1');
    expect(await answer.json()).toMatchObject({ error_type: 'ACCESS_ERROR', error_code: 'RATE_LIMITED' });
  });

  it('drops the connection for a fault scenario', async () => {
    await expect(create('reset')).rejects.toThrow();
  });

  it('refuses a result scenario, which is authorize only', async () => {
    const answer = await create('declined');
    expect(answer.status).toBe(400);
    expect(await answer.json()).toMatchObject({
      validation_errors: [{ parameter: 'Mock-Scenario', reason: 'scenario "declined" applies to authorize only' }],
    });
  });
});

describe('client findings on the operations beside authorize', () => {
  it('warns about a write sent without a Klarna-Idempotency-Key, not about one sent with it', async () => {
    const account = 'krn:partner:global:account:test:FINDINGS1';
    const create = (headers: Record<string, string>) =>
      fetch(`${served.base}/v2/accounts/${account}/payment/requests`, {
        method: 'POST',
        headers: { ...AUTH, ...headers },
        body: JSON.stringify({ currency: 'USD', amount: 1000, customer_interaction_config: { method: 'SDK' } }),
      });
    expect((await create({})).status).toBe(201);
    expect((await create({ 'klarna-idempotency-key': crypto.randomUUID() })).status).toBe(201);
    const [without, withKey] = await journal(account);
    expect(without?.findings.map((f) => f.code)).toEqual(['missing_idempotency_key']);
    expect(withKey?.findings).toEqual([]);
  });
});
