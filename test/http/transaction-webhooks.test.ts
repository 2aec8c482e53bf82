import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebhookEnvelope } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { ACCOUNT } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';
import { LINE_ITEMS, PAYMENT, transactionClient } from '../support/transaction-client.js';

const DAY = 24 * 60 * 60 * 1000;
let app: MockApp;
let base: string;
let posted: Array<{ url: string; body: string }>;
const client = transactionClient(() => base);

beforeEach(async () => {
  posted = [];
  ({ app } = await testApp({
    config: { webhooks: [{ account: ACCOUNT, url: 'http://127.0.0.1:9/hook', signing_key: 'k'.repeat(32) }] },
    webhookPost: async (url, body) => {
      posted.push({ url, body });
      return 200;
    },
  }));
  base = await listening(app);
});
afterEach(() => app.close());

/** Event types and the payload's state, capture and refund ids, as delivered to `url`. */
async function delivered(url = 'http://127.0.0.1:9/hook') {
  await app.webhooks.idle();
  return posted
    .filter((p) => p.url === url)
    .map((p) => WebhookEnvelope.parse(JSON.parse(p.body)))
    .map((e) => {
      const payload = e.payload as {
        state: string;
        payment_capture?: { payment_capture_id: string };
        payment_refund?: { payment_refund_id: string };
      };
      return [
        e.metadata.event_type,
        payload.state,
        payload.payment_refund?.payment_refund_id ?? payload.payment_capture?.payment_capture_id ?? '',
      ];
    });
}

describe('payment transaction webhooks', () => {
  it('announces authorization, each capture and refund, and completion', async () => {
    const id = await client.approve();
    await client.capture(id, { capture_amount: 1000 });
    await client.refund(id, { refund_amount: 400, supplementary_refund_data: { line_items: LINE_ITEMS } });
    await client.capture(id, { capture_amount: 3000 });
    expect(await delivered()).toEqual([
      ['payment.transaction.state-change.authorized', 'AUTHORIZED', ''],
      ['payment.transaction.captured', 'AUTHORIZED', `${id}:capture:1`],
      ['payment.transaction.refunded', 'AUTHORIZED', `${id}:refund:1`],
      ['payment.transaction.captured', 'COMPLETED', `${id}:capture:2`],
      ['payment.transaction.state-change.completed', 'COMPLETED', ''],
    ]);
  });

  it('announces capture NOW as a capture and completion', async () => {
    const id = await client.approve({ ...PAYMENT, request_payment_transaction: { amount: 4000, capture: 'NOW' } });
    expect(await delivered()).toEqual([
      ['payment.transaction.captured', 'COMPLETED', `${id}:capture:1`],
      ['payment.transaction.state-change.completed', 'COMPLETED', ''],
    ]);
  });

  it('announces expiry and closing when the account clock passes them, and a void', async () => {
    const expiring = await client.approve();
    const voided = await client.approve();
    await client.void(voided);
    posted.length = 0;
    await client.advance(28 * DAY);
    expect(await delivered()).toEqual([['payment.transaction.state-change.expired', 'EXPIRED', '']]);
    await client.advance(7 * DAY);
    expect(await delivered()).toEqual([
      ['payment.transaction.state-change.expired', 'EXPIRED', ''],
      ['payment.transaction.state-change.closed', 'CLOSED', ''],
    ]);
    expect((await client.read(expiring)).json.state).toBe('CLOSED');
  });

  it('announces a jump past expiry and grace as expired, then closed', async () => {
    await client.approve();
    posted.length = 0;
    await client.advance(40 * DAY);
    expect((await delivered()).map(([type]) => type)).toEqual([
      'payment.transaction.state-change.expired',
      'payment.transaction.state-change.closed',
    ]);
  });

  it('sends them to Klarna-managed webhooks subscribed to payment.transaction.*, and simulates them', async () => {
    const auth = { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' };
    const key = (await (
      await fetch(`${base}/v2/notification/signing-keys`, {
        method: 'POST',
        headers: { authorization: auth.authorization },
      })
    ).json()) as {
      signing_key_id: string;
    };
    const hook = (await (
      await fetch(`${base}/v2/notification/webhooks`, {
        method: 'POST',
        headers: auth,
        body: JSON.stringify({
          url: 'http://127.0.0.1:9/managed',
          event_types: ['payment.transaction.*'],
          event_version: 'v2',
          signing_key_id: key.signing_key_id,
          status: 'ENABLED',
        }),
      })
    ).json()) as { webhook_id: string };
    const id = await client.approve();
    await client.capture(id, { capture_amount: 10 });
    const simulate = await fetch(`${base}/v2/notification/webhooks/${encodeURIComponent(hook.webhook_id)}/simulate`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ event_type: 'payment.transaction.refunded', event_version: 'v2' }),
    });
    expect(simulate.status).toBe(202);
    const managed = await delivered('http://127.0.0.1:9/managed');
    expect(managed.map(([type]) => type)).toEqual([
      'payment.transaction.state-change.authorized',
      'payment.transaction.captured',
      'payment.transaction.refunded',
    ]);
    expect(managed[2]?.[2]).toMatch(/:refund:1$/);
  });
});
