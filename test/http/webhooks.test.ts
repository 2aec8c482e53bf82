import { getEventListeners } from 'node:events';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AuthorizeResponse, WebhookDelivery, WebhookEnvelope } from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { verifyKlarnaSignature } from '../../mock-server/core/webhooks/sign.js';
import { httpPost } from '../../mock-server/io/http-post.js';
import { klarnaClient } from '../support/klarna-client.js';
import { ACCOUNT, loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';
import { type Received, receiver } from '../support/webhook-receiver.js';

const STEP_UP = loadSamples()['initial-authorization-step-up']?.body;

let app: MockApp;
let base: string;
let hook: Awaited<ReturnType<typeof receiver>>;
beforeEach(async () => {
  ({ app } = await testApp());
  base = await listening(app);
});
afterEach(async () => {
  await app.close();
  hook?.close();
});

const client = klarnaClient(() => base);
const { admin } = client;
async function subscribe(url: string) {
  const answer = await admin.subscribe(url);
  expect(answer.status).toBe(201);
  return answer.ok();
}
async function stepUp() {
  const answer = await client.authorize(STEP_UP, { apiKey: 'k' });
  return AuthorizeResponse.parse(answer.body).payment_request?.payment_request_id ?? '';
}
const events = (received: Received[]) =>
  received.map((r) => WebhookEnvelope.parse(JSON.parse(r.raw)).metadata.event_type);
const deliveries = async () => WebhookDelivery.array().parse((await admin.webhooks()).ok().deliveries);

describe('webhooks', () => {
  it('delivers each state change, signed, and the completed one carries the session token', async () => {
    hook = await receiver();
    const subscription = await subscribe(hook.url);
    const id = await stepUp();
    await admin.act(id, 'approve');
    await app.webhooks.idle();

    expect(events(hook.received)).toEqual([
      'payment.request.state-change.submitted',
      'payment.request.state-change.completed',
    ]);
    for (const delivery of hook.received) {
      expect(delivery.keyId).toBe(subscription.signing_key_id);
      expect(verifyKlarnaSignature(delivery.raw, delivery.signature, subscription.signing_key)).toBe(true);
    }
    const completed = WebhookEnvelope.parse(JSON.parse(hook.received[1]?.raw ?? ''));
    expect(completed.metadata).toMatchObject({
      event_version: 'v2',
      recipient_account_id: ACCOUNT,
      webhook_id: subscription.webhook_id,
    });
    const token = (completed.payload.state_context as { klarna_network_session_token?: string })
      .klarna_network_session_token;
    const final = await client.authorize(
      { currency: 'USD', request_payment_transaction: { amount: 11800 } },
      { apiKey: 'k', sessionToken: String(token) },
    );
    expect(AuthorizeResponse.parse(final.body).payment_transaction_response?.result).toBe('APPROVED');
  });

  it('retries a failing receiver with growing delays on the account clock until it succeeds', async () => {
    hook = await receiver([500, 503]);
    await subscribe(hook.url);
    await stepUp();
    await app.webhooks.idle();
    expect(hook.received).toHaveLength(1);
    expect((await deliveries())[0]).toMatchObject({ state: 'pending', attempts: 1, last_status: 500 });

    await admin.moveClock({ advance_ms: 29_000 });
    await app.webhooks.idle();
    expect(hook.received).toHaveLength(1);
    await admin.moveClock({ advance_ms: 1_000 });
    await app.webhooks.idle();
    expect(hook.received).toHaveLength(2);
    await admin.moveClock({ advance_ms: 60_000 });
    await app.webhooks.idle();
    expect(hook.received).toHaveLength(3);
    expect((await deliveries())[0]).toMatchObject({ state: 'delivered', attempts: 3 });
    expect(new Set(hook.received.map((r) => r.raw)).size).toBe(1);
  });

  it('announces expiry when the clock passes the payment request lifetime', async () => {
    hook = await receiver();
    await subscribe(hook.url);
    await stepUp();
    await admin.moveClock({ advance_ms: 3 * 3_600_000 });
    await app.webhooks.idle();
    expect(events(hook.received)).toEqual([
      'payment.request.state-change.submitted',
      'payment.request.state-change.expired',
    ]);
  });

  it('duplicates a delivery on demand, same event id and bytes', async () => {
    hook = await receiver();
    await subscribe(hook.url);
    expect((await admin.webhookFault({ account: ACCOUNT, fault: 'duplicate' })).status).toBe(204);
    await stepUp();
    await app.webhooks.idle();
    expect(hook.received).toHaveLength(2);
    expect(hook.received[0]?.raw).toBe(hook.received[1]?.raw);
  });

  it('returns the signing key only to the POST that sets it: reads show signing_key_id alone', async () => {
    hook = await receiver();
    const set = await admin.subscribe(hook.url, ACCOUNT, { signing_key: 'k'.repeat(32) });
    expect(set.ok().signing_key).toBe('k'.repeat(32));
    const generated = await subscribe(hook.url);
    expect(generated.signing_key).toMatch(/^[A-Za-z0-9_-]{43}$/);

    const read = await admin.webhooks();
    expect(read.status).toBe(200);
    expect(read.ok().subscription).toEqual({
      account: ACCOUNT,
      url: hook.url,
      webhook_id: generated.webhook_id,
      signing_key_id: generated.signing_key_id,
    });
    expect(JSON.stringify(read.body)).not.toContain(generated.signing_key);
  });

  it('answers an over-long account id on the admin API with a Klarna 400, not a 500', async () => {
    const answer = await client.send({ method: 'DELETE', path: `/__mock/webhooks?account=${'a'.repeat(3000)}` });
    expect(answer.status).toBe(400);
    expect(answer.error().validation_errors?.[0]?.parameter).toBe('account');
  });

  it('rejects a bad subscription with every path named', async () => {
    const answer = await admin.subscribe('ftp://x', '');
    expect(answer.status).toBe(400);
    expect(
      answer
        .error()
        .validation_errors?.map((v) => v.parameter)
        .sort(),
    ).toEqual(['account', 'url']);
  });

  it('subscribes receivers from the settings file', async () => {
    hook = await receiver();
    await app.close();
    ({ app } = await testApp({
      config: { webhooks: [{ account: ACCOUNT, url: hook.url, signing_key: 'k'.repeat(32) }] },
    }));
    base = await listening(app);
    await stepUp();
    await app.webhooks.idle();
    expect(verifyKlarnaSignature(hook.received[0]?.raw ?? '', hook.received[0]?.signature, 'k'.repeat(32))).toBe(true);
  });

  it('pages the delivery log: the newest 100 by default, limit and offset as in the journal, with total and truncated', async () => {
    hook = await receiver();
    await subscribe(hook.url);
    for (let n = 1; n <= 120; n += 1) {
      app.webhooks.emit(ACCOUNT, 'payment.request.state-change.completed', {
        payment_request_id: `krn:payment:eu1:request:00000000-0000-4000-8000-${String(n).padStart(12, '0')}`,
        state: 'COMPLETED',
      });
    }
    await app.webhooks.idle();
    const log = (query: string) => admin.webhooks(ACCOUNT, query);
    const all = (await log('&limit=1000')).ok();
    expect([all.deliveries.length, all.total, all.truncated]).toEqual([120, 120, false]);
    const ids = all.deliveries.map((d) => d.event_id);

    const newest = (await log('')).ok();
    expect([newest.deliveries.length, newest.total, newest.truncated]).toEqual([100, 120, true]);
    expect(newest.deliveries.map((d) => d.event_id)).toEqual(ids.slice(20));
    const older = (await log('&limit=15&offset=100')).ok();
    expect(older.deliveries.map((d) => d.event_id)).toEqual(ids.slice(5, 20));
    expect(older.truncated).toBe(true);

    for (const bad of ['&limit=0', '&limit=1001', '&offset=-1', '&limit=ten']) {
      const answer = await log(bad);
      expect(answer.status).toBe(400);
      expect(answer.error().error_code).toBe('VALIDATION_ERROR');
    }
  });
});

describe('a delivery attempt over HTTP', () => {
  it('leaves nothing attached to the long-lived closing signal once it is done', async () => {
    const answering = createServer((_request, response) => response.end());
    await new Promise<void>((resolve) => answering.listen(0, '127.0.0.1', resolve));
    try {
      const closing = new AbortController();
      const url = `http://127.0.0.1:${(answering.address() as AddressInfo).port}/hook`;
      const post = httpPost(60_000);
      for (let i = 0; i < 20; i += 1) expect(await post(url, '{}', {}, closing.signal)).toBe(200);
      expect(getEventListeners(closing.signal, 'abort')).toEqual([]);
    } finally {
      answering.closeAllConnections();
      await new Promise((resolve) => answering.close(resolve));
    }
  });

  it('gives up at once when the simulator closes, though the receiver never answers', async () => {
    const silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const closing = new AbortController();
      const url = `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`;
      const attempt = httpPost(60_000)(url, '{}', { 'content-type': 'application/json' }, closing.signal);
      closing.abort();
      await expect(attempt).rejects.toThrow(/abort/i);
    } finally {
      silent.closeAllConnections();
      await new Promise((resolve) => silent.close(resolve));
    }
  });
});
