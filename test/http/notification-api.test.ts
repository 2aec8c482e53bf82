import { Writable } from 'node:stream';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  CreatedSigningKey,
  KlarnaError,
  SigningKey,
  SigningKeyList,
  SimulatedEvent,
  Webhook,
  WebhookDelivery,
  WebhookEnvelope,
  WebhookList,
} from '../../contracts/index.js';
import type { MockApp } from '../../mock-server/app/build-app.js';
import { verifyKlarnaSignature } from '../../mock-server/core/webhooks/sign.js';
import { klarnaClient } from '../support/klarna-client.js';
import { pactum } from '../support/pactum-contract.js';
import { loadSamples } from '../support/samples.js';
import { listening, testApp } from '../support/test-app.js';

const A = 'krn:partner:global:account:test:AAAA1111';
const B = 'krn:partner:global:account:test:BBBB2222';
const CONFIG = {
  apiKeys: [
    { key: 'key-a', accounts: [A] },
    { key: 'key-b', accounts: [B] },
  ],
};
const STEP_UP = loadSamples()['initial-authorization-step-up']?.body;
const COMPLETED = 'payment.request.state-change.completed';

interface Posted {
  url: string;
  body: string;
  headers: Record<string, string>;
}

let app: MockApp;
let base: string;
let posted: Posted[];
beforeEach(async () => {
  posted = [];
  ({ app } = await testApp({
    config: CONFIG,
    webhookPost: async (url, body, headers) => {
      posted.push({ url, body, headers });
      return 200;
    },
  }));
  base = await listening(app);
});
afterEach(() => app.close());
const client = klarnaClient(() => base, { account: A, apiKey: 'key-a' });
const { notifications, admin } = client;

const path = (...segments: string[]) => `/v2/notification/${segments.map(encodeURIComponent).join('/')}`;

async function createKey(apiKey = 'key-a') {
  const answer = await notifications.createSigningKey({ apiKey });
  expect(answer.status).toBe(201);
  return CreatedSigningKey.parse(answer.body);
}

const hookBody = (signingKeyId: string, changes: Record<string, unknown> = {}) => ({
  url: 'https://partner.example/klarna/webhooks',
  event_types: [COMPLETED],
  event_version: 'v2',
  signing_key_id: signingKeyId,
  status: 'ENABLED',
  ...changes,
});

async function createHook(signingKeyId: string, changes: Record<string, unknown> = {}, apiKey = 'key-a') {
  const answer = await notifications.createWebhook(hookBody(signingKeyId, changes), { apiKey });
  expect(answer.status).toBe(201);
  return Webhook.parse(answer.body);
}

describe('signing keys', () => {
  it("shows a key's secret only in the answer that creates it", async () => {
    const created = await createKey();
    expect(created.signing_key_id).toMatch(/^krn:partner:global:notification:signing-key:/);
    expect(created.signing_key.length).toBeGreaterThanOrEqual(32);

    const list = await notifications.signingKeys();
    expect(SigningKeyList.parse(list.body).signing_keys).toEqual([
      { signing_key_id: created.signing_key_id, created_at: created.created_at },
    ]);
    const one = await notifications.signingKey(created.signing_key_id);
    expect(SigningKey.parse(one.body)).toEqual({
      signing_key_id: created.signing_key_id,
      created_at: created.created_at,
    });
    for (const answer of [list, one]) expect(answer.text).not.toContain(created.signing_key);
  });

  it('refuses the 51st key of an account with 409 naming the limit, and takes one again after a delete', async () => {
    const keys = [];
    for (let i = 0; i < 50; i += 1) keys.push(await createKey());
    const refused = await pactum
      .spec()
      .post(`${base}${path('signing-keys')}`)
      .withHeaders({ authorization: 'Basic key-a' })
      .expectStatus(409)
      .expect('contract', KlarnaError)
      .returns('res.body');
    expect(refused).toMatchInlineSnapshot(
      { error_id: expect.any(String) },
      `
      {
        "error_code": "RESOURCE_CONFLICT",
        "error_id": Any<String>,
        "error_message": "At most 50 signing keys per account: delete one before creating another",
        "error_type": "RESOURCE_ERROR",
      }
    `,
    );
    // Another account has its own 50.
    await createKey('key-b');
    expect((await notifications.deleteSigningKey(String(keys[0]?.signing_key_id))).status).toBe(204);
    await createKey();
  });

  it('refuses to delete a key a webhook signs with, naming the webhook, and deletes it once the webhook is gone', async () => {
    const key = await createKey();
    const hook = await createHook(key.signing_key_id);
    const refused = await notifications.deleteSigningKey(key.signing_key_id);
    expect(refused.status).toBe(409);
    expect(KlarnaError.parse(refused.body)).toMatchObject({
      error_code: 'RESOURCE_CONFLICT',
      error_message: expect.stringContaining(hook.webhook_id),
    });
    expect((await notifications.deleteWebhook(hook.webhook_id)).status).toBe(204);
    expect((await notifications.deleteSigningKey(key.signing_key_id)).status).toBe(204);
    expect((await notifications.signingKey(key.signing_key_id)).status).toBe(404);
  });
});

describe('webhooks', () => {
  it('are created, listed, read, partly updated and deleted', async () => {
    const key = await createKey();
    const other = await createKey();
    const created = await createHook(key.signing_key_id);
    expect(created).toMatchObject({
      webhook_id: expect.stringMatching(/^krn:partner:global:notification:webhook:/),
      ...hookBody(key.signing_key_id),
    });
    expect(WebhookList.parse((await notifications.webhooks()).body).webhooks).toEqual([created]);
    expect((await notifications.webhook(created.webhook_id)).body).toEqual(created);

    const patched = await notifications.updateWebhook(created.webhook_id, {
      status: 'DISABLED',
      signing_key_id: other.signing_key_id,
    });
    expect(patched.status).toBe(200);
    expect(Webhook.parse(patched.body)).toEqual({
      ...created,
      status: 'DISABLED',
      signing_key_id: other.signing_key_id,
    });
    expect((await notifications.webhook(created.webhook_id)).body).toEqual(patched.body);

    expect((await notifications.deleteWebhook(created.webhook_id)).status).toBe(204);
    expect((await notifications.webhook(created.webhook_id)).status).toBe(404);
    expect((await notifications.webhooks()).body).toEqual({ webhooks: [] });
  });

  it('get each state change when enabled and one of their event types matches, a wildcard too, each signed with its own key', async () => {
    const keys = [await createKey(), await createKey(), await createKey()];
    const family = await createHook(String(keys[0]?.signing_key_id), {
      url: 'https://partner.example/family',
      event_types: ['payment.request.*'],
    });
    await createHook(String(keys[1]?.signing_key_id), { url: 'https://partner.example/completed-only' });
    await createHook(String(keys[2]?.signing_key_id), {
      url: 'https://partner.example/disabled',
      event_types: ['payment.*'],
      status: 'DISABLED',
    });
    const subscription = await admin.subscribe('http://admin.example/', A);
    expect(subscription.status).toBe(201);

    const authorized = await client.authorize(STEP_UP, { account: A });
    expect(authorized.status).toBe(200);
    await app.webhooks.idle();

    // The admin subscription still receives everything; of the Klarna webhooks only the matching enabled one.
    expect(posted.map((p) => p.url)).toEqual(['http://admin.example/', 'https://partner.example/family']);
    const delivery = posted[1] as Posted;
    expect(delivery.headers['Klarna-Signing-Key-Id']).toBe(keys[0]?.signing_key_id);
    expect(
      verifyKlarnaSignature(delivery.body, delivery.headers['Klarna-Signature'], String(keys[0]?.signing_key)),
    ).toBe(true);
    const envelope = WebhookEnvelope.parse(JSON.parse(delivery.body));
    expect(envelope.metadata).toMatchObject({
      event_type: 'payment.request.state-change.submitted',
      webhook_id: family.webhook_id,
      recipient_account_id: A,
    });
  });

  it('simulate sends a signed sample event of the type asked to that webhook, through the delivery log', async () => {
    const key = await createKey();
    const hook = await createHook(key.signing_key_id, { event_types: ['settlement.*'] });
    const answer = await pactum
      .spec()
      .post(`${base}${path('webhooks', hook.webhook_id, 'simulate')}`)
      .withHeaders({ authorization: 'Basic key-a' })
      .withJson({ event_type: COMPLETED, event_version: 'v2' })
      .expectStatus(202)
      .expect('contract', SimulatedEvent)
      .returns('res.body');
    await app.webhooks.idle();

    expect(posted).toHaveLength(1);
    const sent = posted[0] as Posted;
    expect(sent.url).toBe(hook.url);
    expect(sent.headers['Klarna-Signing-Key-Id']).toBe(key.signing_key_id);
    expect(verifyKlarnaSignature(sent.body, sent.headers['Klarna-Signature'], key.signing_key)).toBe(true);
    const envelope = WebhookEnvelope.parse(JSON.parse(sent.body));
    expect(envelope.metadata).toMatchObject({
      event_id: answer.event_id,
      event_type: COMPLETED,
      webhook_id: hook.webhook_id,
    });
    expect(envelope.payload.state).toBe('COMPLETED');

    const log = await admin.webhooks(A);
    const deliveries = WebhookDelivery.array().parse((log.body as { deliveries: unknown }).deliveries);
    expect(deliveries).toEqual([
      expect.objectContaining({ event_id: answer.event_id, event_type: COMPLETED, state: 'delivered', url: hook.url }),
    ]);
  });

  it('are forgotten with their keys when the account is reset', async () => {
    const key = await createKey();
    await createHook(key.signing_key_id);
    expect((await admin.reset(A)).status).toBe(200);
    expect((await notifications.webhooks()).body).toEqual({ webhooks: [] });
    expect((await notifications.signingKeys()).body).toEqual({ signing_keys: [] });
  });
});

describe('accounts', () => {
  it("never show one account's webhooks or keys to another", async () => {
    const key = await createKey();
    const hook = await createHook(key.signing_key_id);
    const asB = { apiKey: 'key-b' };
    expect((await notifications.webhooks(asB)).body).toEqual({ webhooks: [] });
    expect((await notifications.signingKeys(asB)).body).toEqual({ signing_keys: [] });
    expect((await notifications.webhook(hook.webhook_id, asB)).status).toBe(404);
    expect((await notifications.updateWebhook(hook.webhook_id, { status: 'DISABLED' }, asB)).status).toBe(404);
    expect((await notifications.deleteWebhook(hook.webhook_id, asB)).status).toBe(404);
    expect((await notifications.deleteSigningKey(key.signing_key_id, asB)).status).toBe(404);
    const borrowed = await notifications.createWebhook(hookBody(key.signing_key_id), asB);
    expect(borrowed.status).toBe(400);
    expect(KlarnaError.parse(borrowed.body).validation_errors).toEqual([
      { parameter: 'signing_key_id', reason: 'no signing key of this account has this id' },
    ]);
    expect((await notifications.webhook(hook.webhook_id)).status).toBe(200);
  });

  it('answer 401 in Klarna shape without Basic credentials or with an unknown key', async () => {
    const missing = await notifications.webhooks({ apiKey: null });
    expect(missing.status).toBe(401);
    expect(missing.body).toMatchInlineSnapshot(
      { error_id: expect.any(String) },
      `
      {
        "error_code": "UNAUTHORIZED",
        "error_id": Any<String>,
        "error_message": "The presented credentials failed authentication",
        "error_type": "ACCESS_ERROR",
      }
    `,
    );
    expect((await notifications.createSigningKey({ apiKey: 'not-a-key' })).status).toBe(401);
  });
});

describe('recipients', () => {
  it("send an account's events to the default account's webhooks when any key acts as the default account", async () => {
    const received: Posted[] = [];
    const { app: open } = await testApp({
      webhookPost: async (url, body, headers) => {
        received.push({ url, body, headers });
        return 200;
      },
    });
    try {
      const openBase = await listening(open);
      const anyKey = klarnaClient(openBase, { apiKey: 'any-key' });
      const key = CreatedSigningKey.parse((await anyKey.notifications.createSigningKey()).body);
      const submittedOnly = hookBody(key.signing_key_id, { event_types: ['payment.request.state-change.submitted'] });
      const hook = Webhook.parse((await anyKey.notifications.createWebhook(submittedOnly)).body);
      expect((await anyKey.authorize(STEP_UP, { account: A })).status).toBe(200);
      await open.webhooks.idle();
      expect(received).toHaveLength(1);
      const envelope = WebhookEnvelope.parse(JSON.parse(String(received[0]?.body)));
      expect(envelope.metadata).toMatchObject({
        webhook_id: hook.webhook_id,
        recipient_account_id: open.mockConfig.defaultAccount,
        subject_account_id: A,
      });
    } finally {
      await open.close();
    }
  });
});

describe('Klarna-Idempotency-Key', () => {
  const idem = { 'klarna-idempotency-key': 'f0e1d2c3-0000-4000-8000-000000000001' };

  it('replays a create with the same request byte for byte, and creates nothing more', async () => {
    const key = await createKey();
    const first = await notifications.createWebhook(hookBody(key.signing_key_id), { headers: idem });
    const again = await notifications.createWebhook(hookBody(key.signing_key_id), { headers: idem });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.text).toBe(first.text);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(WebhookList.parse((await notifications.webhooks()).body).webhooks).toHaveLength(1);
  });

  it('answers the same key with another body, or on another operation, with 409 RESOURCE_CONFLICT', async () => {
    const key = await createKey();
    expect((await notifications.createWebhook(hookBody(key.signing_key_id), { headers: idem })).status).toBe(201);
    const otherBody = await notifications.createWebhook(hookBody(key.signing_key_id, { status: 'DISABLED' }), {
      headers: idem,
    });
    expect(otherBody.status).toBe(409);
    expect(KlarnaError.parse(otherBody.body)).toMatchObject({
      error_type: 'RESOURCE_ERROR',
      error_code: 'RESOURCE_CONFLICT',
    });
    expect((await notifications.createSigningKey({ headers: idem })).status).toBe(409);
    // Another account's records are its own.
    expect((await notifications.createSigningKey({ apiKey: 'key-b', headers: idem })).status).toBe(201);
  });
});

describe('Klarna-Idempotency-Key on simulate and update', () => {
  it('replays a simulate under the same key without sending the event again', async () => {
    const key = await createKey();
    const hook = await createHook(key.signing_key_id);
    const headers = { 'klarna-idempotency-key': 'simulate-once' };
    const body = { event_type: COMPLETED, event_version: 'v2' };
    const first = await notifications.simulate(hook.webhook_id, body, { headers });
    const again = await notifications.simulate(hook.webhook_id, body, { headers });
    await app.webhooks.idle();
    expect([first.status, again.status]).toEqual([202, 202]);
    expect(again.text).toBe(first.text);
    expect(posted).toHaveLength(1);
  });

  it('refuses the key of one webhook update on another webhook, with the same body', async () => {
    const key = await createKey();
    const [one, two] = [await createHook(key.signing_key_id), await createHook(key.signing_key_id)];
    const headers = { 'klarna-idempotency-key': 'update-once' };
    const body = { status: 'DISABLED' };
    expect((await notifications.updateWebhook(one.webhook_id, body, { headers })).status).toBe(200);
    expect((await notifications.updateWebhook(two.webhook_id, body, { headers })).status).toBe(409);
    expect(Webhook.parse((await notifications.webhook(two.webhook_id)).body).status).toBe('ENABLED');
  });
});

describe('validation', () => {
  it('lists every violation of a webhook body at once, each named by its parameter', async () => {
    const answer = await notifications.createWebhook(
      {
        url: 'ftp://partner.example/hook',
        event_types: ['payment.request.state-change.complete', 'payment.*', '*'],
        event_version: 'v1',
        status: 'ON',
      },
      { headers: { 'klarna-idempotency-key': '' } },
    );
    expect(answer.status).toBe(400);
    expect(answer.body).toMatchInlineSnapshot(
      { error_id: expect.any(String) },
      `
      {
        "error_code": "VALIDATION_ERROR",
        "error_id": Any<String>,
        "error_message": "One or more input parameters failed validation",
        "error_type": "INPUT_ERROR",
        "validation_errors": [
          {
            "parameter": "Klarna-Idempotency-Key",
            "reason": "must be 1 to 255 characters",
          },
          {
            "parameter": "url",
            "reason": "Invalid URL",
          },
          {
            "parameter": "event_types[0]",
            "reason": "must be an event name such as payment.request.state-change.completed, or a wildcard such as payment.*",
          },
          {
            "parameter": "event_types[2]",
            "reason": "must be an event name such as payment.request.state-change.completed, or a wildcard such as payment.*",
          },
          {
            "parameter": "event_version",
            "reason": "Invalid input: expected "v2"",
          },
          {
            "parameter": "signing_key_id",
            "reason": "Invalid input: expected string, received undefined",
          },
          {
            "parameter": "status",
            "reason": "Invalid option: expected one of "ENABLED"|"DISABLED"",
          },
        ],
      }
    `,
    );
  });

  it('refuses a signing key id that names no key of the account, and a simulate event it cannot make', async () => {
    const missing = await notifications.createWebhook(
      hookBody('krn:partner:global:notification:signing-key:00000000-0000-4000-8000-0000000000ff'),
    );
    expect(KlarnaError.parse(missing.body).validation_errors).toEqual([
      { parameter: 'signing_key_id', reason: 'no signing key of this account has this id' },
    ]);
    const key = await createKey();
    const hook = await createHook(key.signing_key_id);
    const simulate = await notifications.simulate(hook.webhook_id, {
      event_type: 'settlement.report.created',
      event_version: 'v2',
    });
    expect(simulate.status).toBe(400);
    expect(KlarnaError.parse(simulate.body).validation_errors).toEqual([
      {
        parameter: 'event_type',
        reason: 'the simulator simulates payment.request.* and payment.transaction.* events only (no chargeback)',
      },
    ]);
  });
});

describe('logging', () => {
  it('never writes a signing key to the log', async () => {
    let log = '';
    const stream = new Writable({
      write(chunk, _encoding, done) {
        log += String(chunk);
        done();
      },
    });
    const { app: logged } = await testApp({ config: CONFIG, logger: { level: 'trace', stream } });
    try {
      const response = await logged.inject({
        method: 'POST',
        url: path('signing-keys'),
        headers: { authorization: 'Basic key-a' },
      });
      const { signing_key } = CreatedSigningKey.parse(response.json());
      expect(log).toContain('/v2/notification/signing-keys');
      expect(log).not.toContain(signing_key);
    } finally {
      await logged.close();
    }
  });
});
