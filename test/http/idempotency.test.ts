import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthorizeResponse, KlarnaError } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { type KlarnaAnswer, klarnaClient } from '../support/klarna-client.js';
import { pactum } from '../support/pactum-contract.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const OTHER_ACCOUNT = 'krn:partner:global:account:test:OTHER123';
const BODY = {
  currency: 'USD',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'ref-1' },
};
const HOUR = 3_600_000;

let app: MockApp;
let clock: { now: () => number; advance: (ms: number) => void };
let base: string;

beforeEach(async () => {
  ({ app, clock } = await testApp());
  base = await listening(app);
});
afterEach(() => app.close());

const client = klarnaClient(() => base);
type Sent = KlarnaAnswer<AuthorizeResponse>;

const transactionId = (sent: Sent) =>
  AuthorizeResponse.parse(sent.body).payment_transaction_response?.payment_transaction?.payment_transaction_id;

describe('Klarna-Idempotency-Key', () => {
  const key = { 'klarna-idempotency-key': '6f1c1a3e-9f5e-4c7a-8e2b-0d2f1c3b4a5d' };

  it('replays the first answer byte for byte, marked Idempotent-Replayed', async () => {
    const first = await client.authorize(BODY, { headers: key });
    const again = await client.authorize(BODY, { headers: key });
    expect(first.status).toBe(200);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(again.status).toBe(200);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.headers.get('klarna-correlation-id')).not.toBe(first.headers.get('klarna-correlation-id'));
  });

  it('replays a request whose keys come in another order', async () => {
    const first = await client.authorize(BODY, { headers: key });
    const reordered = {
      request_payment_transaction: { payment_transaction_reference: 'ref-1', amount: 11800 },
      currency: 'USD',
    };
    expect((await client.authorize(reordered, { headers: key })).text).toBe(first.text);
  });

  it('replays DECLINED and STEP_UP_REQUIRED answers too', async () => {
    const declined = { ...BODY, supplementary_purchase_data: { customer: { email: 'a+denied@example.com' } } };
    const first = await client.authorize(declined, { headers: key });
    expect(JSON.parse(first.text).payment_transaction_response.result).toBe('DECLINED');
    expect((await client.authorize(declined, { headers: key })).text).toBe(first.text);
    const handover = { method: 'HANDOVER', return_url: 'https://shop.example/back' };
    const stepUp = { ...BODY, step_up_config: { customer_interaction_config: handover } };
    const other = { 'klarna-idempotency-key': 'step-up-key' };
    const firstStepUp = await client.authorize(stepUp, { headers: other });
    expect((await client.authorize(stepUp, { headers: other })).text).toBe(firstStepUp.text);
  });

  it('answers the same key with another request with 409 RESOURCE_CONFLICT', async () => {
    await client.authorize(BODY, { headers: key });
    const res = await pactum
      .spec()
      .post(`${base}${AUTHORIZE_URL()}`)
      .withHeaders({ authorization: 'Basic k', ...key })
      .withJson({ ...BODY, currency: 'EUR' })
      .expectStatus(409)
      .expect('contract', KlarnaError)
      .returns('res.body');
    expect(res).toMatchInlineSnapshot(
      { error_id: expect.any(String) },
      `
      {
        "error_code": "RESOURCE_CONFLICT",
        "error_id": Any<String>,
        "error_message": "Idempotent operation on 6f1c1a3e-9f5e-4c7a-8e2b-0d2f1c3b4a5d failed: the request differs from the first one sent with this key",
        "error_type": "RESOURCE_ERROR",
      }
    `,
    );
  });

  it('never stores an error: a corrected retry under the same key is processed', async () => {
    const bad = await client.authorize(
      { currency: 'USD', request_payment_transaction: { amount: 1.5 } },
      { headers: key },
    );
    expect(bad.status).toBe(400);
    const again = await client.authorize(
      { currency: 'USD', request_payment_transaction: { amount: 1.5 } },
      { headers: key },
    );
    expect(again.status).toBe(400);
    expect(again.headers.get('idempotent-replayed')).toBeNull();
    const good = await client.authorize(BODY, { headers: key });
    expect(good.status).toBe(200);
    expect(good.headers.get('idempotent-replayed')).toBeNull();
  });

  it('honours a key for 24 hours on the injected clock, then processes it afresh', async () => {
    const first = await client.authorize(BODY, { headers: key });
    clock.advance(24 * HOUR - 1);
    expect((await client.authorize(BODY, { headers: key })).text).toBe(first.text);
    expect((await client.authorize({ ...BODY, currency: 'EUR' }, { headers: key })).status).toBe(409);
    clock.advance(1);
    const later = await client.authorize({ ...BODY, currency: 'EUR' }, { headers: key });
    expect(later.status).toBe(200);
    expect(transactionId(later)).not.toBe(transactionId(first));
  });

  it('scopes keys by partner account', async () => {
    const first = await client.authorize(BODY, { headers: key });
    const other = await client.authorize({ ...BODY, currency: 'EUR' }, { headers: key, account: OTHER_ACCOUNT });
    expect(other.status).toBe(200);
    expect(transactionId(other)).not.toBe(transactionId(first));
    expect((await client.authorize(BODY, { headers: key })).text).toBe(first.text);
  });

  it('gives distinct transactions to requests without a key', async () => {
    expect(transactionId(await client.authorize(BODY))).not.toBe(transactionId(await client.authorize(BODY)));
  });

  it('executes 50 concurrent identical requests once: one transaction, identical bodies', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, () => client.authorize(BODY, { headers: { 'klarna-idempotency-key': 'burst' } })),
    );
    expect(new Set(answers.map((a) => a.status))).toEqual(new Set([200]));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.filter((a) => a.headers.get('idempotent-replayed') === null)).toHaveLength(1);
    expect(app.store.size.keys).toBe(1);
  });
});

describe('Klarna-Network-Session-Token', () => {
  const token = { 'klarna-network-session-token': 'krn:payment:eu1:klarna-network-session-token:abc' };

  it('yields one transaction however many keys a client uses', async () => {
    const answers = [
      await client.authorize(BODY, { headers: token }),
      await client.authorize(BODY, { headers: { ...token, 'klarna-idempotency-key': 'a' } }),
    ];
    answers.push(await client.authorize(BODY, { headers: { ...token, 'klarna-idempotency-key': 'b' } }));
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(answers.slice(1).every((a) => a.headers.get('idempotent-replayed') === 'true')).toBe(true);
  });

  it('replays the stored result when the reference differs but amount and currency match', async () => {
    const first = await client.authorize(BODY, { headers: token });
    const changed = { ...BODY, request_payment_transaction: { amount: 11800, payment_transaction_reference: 'ref-2' } };
    expect((await client.authorize(changed, { headers: token })).text).toBe(first.text);
  });

  it.each([
    ['amount', { ...BODY, request_payment_transaction: { amount: 11801 } }],
    ['currency', { ...BODY, currency: 'EUR' }],
  ])('answers the same token with another %s with 409 RESOURCE_CONFLICT', async (_what, body) => {
    await client.authorize(BODY, { headers: token });
    const conflict = await client.authorize(body, { headers: token });
    expect(conflict.status).toBe(409);
    expect(KlarnaError.parse(JSON.parse(conflict.text)).error_code).toBe('RESOURCE_CONFLICT');
  });

  it('keeps answering a key that replayed a token with the request sent under that key', async () => {
    const first = await client.authorize(BODY, { headers: token });
    const changed = { ...BODY, request_payment_transaction: { amount: 11800, payment_transaction_reference: 'ref-2' } };
    const withKey = { ...token, 'klarna-idempotency-key': 'later-key' };
    expect((await client.authorize(changed, { headers: withKey })).text).toBe(first.text);
    expect((await client.authorize(changed, { headers: withKey })).status).toBe(200);
    expect((await client.authorize(BODY, { headers: withKey })).status).toBe(409);
  });

  it('refuses a key sent again with another session token, naming the header, and never replays across tokens', async () => {
    const first = await client.authorize(BODY, { headers: { ...token, 'klarna-idempotency-key': 'k1' } });
    const other = { 'klarna-network-session-token': 'krn:payment:eu1:klarna-network-session-token:other' };
    const conflict = await client.authorize(BODY, { headers: { ...other, 'klarna-idempotency-key': 'k1' } });
    expect(conflict.status).toBe(409);
    expect(JSON.parse(conflict.text).error_message).toBe(
      'Idempotent operation on k1 failed: the Klarna-Network-Session-Token header differs from the first one sent with this key',
    );
    const own = await client.authorize(BODY, { headers: { ...other, 'klarna-idempotency-key': 'k2' } });
    expect(transactionId(own)).not.toBe(transactionId(first));
    expect((await client.authorize(BODY, { headers: { ...token, 'klarna-idempotency-key': 'k1' } })).text).toBe(
      first.text,
    );
  });

  it('scopes tokens by partner account', async () => {
    const first = await client.authorize(BODY, { headers: token });
    const other = await client.authorize(BODY, { headers: token, account: OTHER_ACCOUNT });
    expect(transactionId(other)).not.toBe(transactionId(first));
  });

  it('executes 50 concurrent final authorizations with one token once', async () => {
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        client.authorize(BODY, { headers: { ...token, 'klarna-idempotency-key': `k${i}` } }),
      ),
    );
    expect(new Set(answers.map((a) => a.text)).size).toBe(1);
    expect(transactionId(answers[0] as Sent)).toMatch(/^krn:payment:eu1:transaction:/);
    expect(app.store.size.tokens).toBe(1);
  });

  it('does not store a failed final authorization against the token', async () => {
    expect(
      (await client.authorize({ currency: 'USD', request_payment_transaction: { amount: 0 } }, { headers: token }))
        .status,
    ).toBe(400);
    const good = await client.authorize({ ...BODY, request_payment_transaction: { amount: 500 } }, { headers: token });
    expect(good.status).toBe(200);
    expect(app.store.size.tokens).toBe(1);
  });
});
