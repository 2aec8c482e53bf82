import { afterEach, describe, expect, it } from 'vitest';
import type { AuthorizeResponse } from '../../contracts/index.js';
import type { BuildAppOptions, MockApp } from '../../mock-server/app/build-app.js';
import { type KlarnaAnswer, klarnaClient } from '../support/klarna-client.js';
import { loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

// Klarna's own semantics of tokens (docs/simulator-choices.md#session-tokens), each through real HTTP.

const samples = loadSamples();
const STEP_UP = samples['initial-authorization-step-up']?.body;
const TOKENIZATION = samples.tokenization?.body;
if (!STEP_UP || !TOKENIZATION) throw new Error('missing samples');
const { step_up_config: STEP_UP_CONFIG, ...PAYMENT } = STEP_UP;
const ONDEMAND = {
  currency: 'USD',
  request_customer_token: { scopes: ['payment:customer_present'], customer_token_reference: 'ondemand-1' },
  step_up_config: STEP_UP_CONFIG,
  supplementary_purchase_data: { ondemand_service: { average_amount: 2000 } },
};
const CONTEXT_TOKEN = 'krn:payment:eu1:klarna-network-session-token:from-express-checkout';

let app: MockApp;
let base: string;
async function start(options: BuildAppOptions = {}) {
  ({ app } = await testApp(options));
  base = await listening(app);
}
afterEach(() => app?.close());

const client = klarnaClient(() => base);
const resultOf = (sent: KlarnaAnswer<AuthorizeResponse>) => sent.ok().payment_transaction_response?.result;

/** Steps up, and the customer approves: the completed payment request as its webhook payload shows it. */
async function completedStepUp(body: unknown, headers: Record<string, string> = {}) {
  const request = (await client.authorize(body, { headers })).ok().payment_request;
  if (!request) throw new Error('no payment_request');
  return (await client.admin.act(request.payment_request_id, 'approve')).ok().payload;
}
async function issuedCustomerToken(body: unknown): Promise<string> {
  const context = (await completedStepUp(body)).state_context;
  const token =
    context?.klarna_customer?.customer_token ??
    (context?.customer_token as { customer_token?: string })?.customer_token;
  if (typeof token !== 'string') throw new Error('no customer token');
  return token;
}

describe('a session token is context, not a final authorization by itself', () => {
  it('steps up an initial authorization that forwards a token never issued here with step_up_config', async () => {
    await start();
    const sent = await client.authorize(STEP_UP, { headers: { 'klarna-network-session-token': CONTEXT_TOKEN } });
    expect(resultOf(sent)).toBe('STEP_UP_REQUIRED');
    expect(sent.ok().payment_request?.state).toBe('SUBMITTED');
  });

  it('lets Mock-Scenario step-up apply to a request carrying a token as context', async () => {
    await start();
    const headers = { 'klarna-network-session-token': CONTEXT_TOKEN, 'mock-scenario': 'step-up' };
    expect(resultOf(await client.authorize(PAYMENT, { headers }))).toBe('STEP_UP_REQUIRED');
  });

  it('issues a new token when that step-up completes, and the new token finalizes', async () => {
    await start();
    const completed = await completedStepUp(STEP_UP, { 'klarna-network-session-token': CONTEXT_TOKEN });
    const token = completed.state_context?.klarna_network_session_token;
    expect(token).toMatch(/^krn:payment:eu1:klarna-network-session-token:/);
    expect(token).not.toBe(CONTEXT_TOKEN);
    const final = await client.authorize(STEP_UP, { headers: { 'klarna-network-session-token': String(token) } });
    expect(resultOf(final)).toBe('APPROVED');
  });

  it("approves Klarna's final-authorization sample, a token never seen without step_up_config", async () => {
    await start();
    const sample = samples['final-authorization'];
    expect(resultOf(await client.authorize(sample?.body, { headers: sample?.headers as Record<string, string> }))).toBe(
      'APPROVED',
    );
  });

  it('asks for consent on a tokenization that carries a token never issued here', async () => {
    await start();
    const sent = await client.authorize(TOKENIZATION, { headers: { 'klarna-network-session-token': CONTEXT_TOKEN } });
    expect(sent.ok().customer_token_response).toEqual({ result: 'STEP_UP_REQUIRED' });
  });

  it.each([
    ['final', 200, 'APPROVED'],
    ['reject', 400, 'VALIDATION_ERROR'],
  ] as const)('with unknownSessionTokens "%s", answers such a token %i %s', async (mode, status, outcome) => {
    await start({ config: { unknownSessionTokens: mode } });
    const sent = await client.authorize(STEP_UP, { headers: { 'klarna-network-session-token': CONTEXT_TOKEN } });
    expect(sent.status).toBe(status);
    if (status === 200) expect(resultOf(sent)).toBe(outcome);
    else
      expect(sent.error().validation_errors).toEqual([
        { parameter: 'Klarna-Network-Session-Token', reason: 'unknown' },
      ]);
  });
});

describe('idempotency knows the tokens', () => {
  it('refuses a key replayed with another customer token: customer B never gets customer A', async () => {
    await start();
    const key = { 'klarna-idempotency-key': 'charge-1' };
    const first = await client.authorize(PAYMENT, {
      headers: { ...key, 'klarna-customer-token': 'krn:customer-token:eu1:customer-a' },
    });
    expect(resultOf(first)).toBe('APPROVED');
    const other = await client.authorize(PAYMENT, {
      headers: { ...key, 'klarna-customer-token': 'krn:customer-token:eu1:customer-b' },
    });
    expect(other.status).toBe(409);
    expect(other.error().error_message).toBe(
      'Idempotent operation on charge-1 failed: the Klarna-Customer-Token header differs from the first one sent with this key',
    );
    const again = await client.authorize(PAYMENT, {
      headers: { ...key, 'klarna-customer-token': 'krn:customer-token:eu1:customer-a' },
    });
    expect(again.text).toBe(first.text);
  });

  it('names every token header that differs, and an interoperability token is one of them', async () => {
    await start();
    const key = { 'klarna-idempotency-key': 'charge-2' };
    await client.authorize(PAYMENT, {
      headers: { ...key, 'klarna-customer-token': 'krn:customer-token:eu1:customer-a' },
    });
    const other = await client.authorize(PAYMENT, {
      headers: {
        ...key,
        'klarna-interoperability-token': 'krn:network:us1:interoperability:x',
      },
    });
    expect(other.error().error_message).toBe(
      'Idempotent operation on charge-2 failed: the Klarna-Customer-Token and Klarna-Interoperability-Token headers differ from the first one sent with this key',
    );
  });

  it('takes the same token under Klarna-Payment-Token and Klarna-Network-Session-Token as the same request', async () => {
    await start();
    const key = { 'klarna-idempotency-key': 'final-1' };
    const first = await client.authorize(PAYMENT, {
      headers: { ...key, 'klarna-network-session-token': CONTEXT_TOKEN },
    });
    const again = await client.authorize(PAYMENT, { headers: { ...key, 'klarna-payment-token': CONTEXT_TOKEN } });
    expect(again.text).toBe(first.text);
  });
});

describe('token charges', () => {
  it('approves a charge with a customer token the simulator issued, with or without step_up_config', async () => {
    await start();
    const token = await issuedCustomerToken(ONDEMAND);
    const charge = { ...PAYMENT, currency: 'USD' };
    for (const body of [charge, { ...charge, step_up_config: STEP_UP_CONFIG }]) {
      const sent = await client.authorize(body, { headers: { 'klarna-customer-token': token } });
      expect(resultOf(sent)).toBe('APPROVED');
      expect(sent.ok().payment_transaction_response?.payment_transaction?.payment_transaction_id).toMatch(
        /^krn:payment:/,
      );
    }
  });

  it('lets a scenario step up a customer-present token charge, never a customer-not-present one', async () => {
    await start();
    const present = await issuedCustomerToken(ONDEMAND);
    const notPresent = await issuedCustomerToken(TOKENIZATION);
    const charge = { ...PAYMENT, step_up_config: STEP_UP_CONFIG };
    const scenario = { 'mock-scenario': 'step-up' };
    expect(
      resultOf(await client.authorize(charge, { headers: { ...scenario, 'klarna-customer-token': present } })),
    ).toBe('STEP_UP_REQUIRED');
    expect(
      resultOf(await client.authorize(charge, { headers: { ...scenario, 'klarna-customer-token': notPresent } })),
    ).toBe('APPROVED');
  });

  it('approves an interoperability token charge that forwards step_up_config', async () => {
    await start();
    const headers = { 'klarna-interoperability-token': 'krn:network:us1:interoperability:jwt' };
    expect(resultOf(await client.authorize(STEP_UP, { headers }))).toBe('APPROVED');
  });
});

describe('Klarna-Payment-Token, as Klarna finalizes in its request collection', () => {
  it('finalizes with a token the simulator issued, once: two identical sends give one transaction', async () => {
    await start();
    const token = String((await completedStepUp(STEP_UP)).state_context?.klarna_network_session_token);
    const first = await client.authorize(PAYMENT, { headers: { 'klarna-payment-token': token } });
    expect(resultOf(first)).toBe('APPROVED');
    expect((await client.authorize(PAYMENT, { headers: { 'klarna-payment-token': token } })).text).toBe(first.text);
  });

  it('refuses two different tokens under the two names', async () => {
    await start();
    const sent = await client.authorize(PAYMENT, {
      headers: { 'klarna-payment-token': 'a', 'klarna-network-session-token': 'b' },
    });
    expect(sent.status).toBe(400);
    expect(sent.error().validation_errors?.[0]?.parameter).toBe('Klarna-Payment-Token');
  });
});

describe('validation closer to Klarna', () => {
  it('wants a partner account krn, unless accountIds is "any"', async () => {
    await start();
    const sent = await client.authorize(PAYMENT, { account: 'acct-1' });
    expect(sent.status).toBe(400);
    expect(sent.error().validation_errors).toEqual([
      {
        parameter: 'partner_account_id',
        reason: 'must be a partner account krn such as krn:partner:global:account:test:M48JWZF8',
      },
    ]);
    await app.close();
    await start({ config: { accountIds: 'any' } });
    expect(resultOf(await client.authorize(PAYMENT, { account: 'acct-1' }))).toBe('APPROVED');
  });

  it('refuses a HANDOVER without return URLs, naming return_url', async () => {
    await start();
    const body = { ...PAYMENT, step_up_config: { customer_interaction_config: { method: 'HANDOVER' } } };
    expect((await client.authorize(body)).error().validation_errors).toEqual([
      {
        parameter: 'step_up_config.customer_interaction_config.return_url',
        reason: 'customer interaction method HANDOVER must define return URLs: return_url is required',
      },
    ]);
  });

  it('refuses a customer token asking for both payment scopes', async () => {
    await start();
    const both = ['payment:customer_present', 'payment:customer_not_present'];
    const body = {
      ...TOKENIZATION,
      request_customer_token: { scopes: both },
      supplementary_purchase_data: { ...TOKENIZATION.supplementary_purchase_data, ondemand_service: {} },
    };
    expect((await client.authorize(body)).error().validation_errors).toEqual([
      {
        parameter: 'request_customer_token.scopes',
        reason: 'a token is either payment:customer_present or payment:customer_not_present, not both',
      },
    ]);
  });
});
