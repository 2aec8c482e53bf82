import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { CreatedSigningKey, SimulatedEvent, Webhook, WebhookEnvelope } from '../../contracts/index.js';
import type { Post } from '../../mock-server/core/webhooks/attempt-delivery.js';
import { verifyKlarnaSignature } from '../../mock-server/core/webhooks/sign.js';
import { webhookKeys } from '../../mock-server/io/redis/redis-webhook-keys.js';
import { klarnaClient } from '../support/klarna-client.js';
import { allReady, type Instance, startInstances, startTopology, stopAll } from '../support/redis-instances.js';
import { machineRedis, needsRedis, type RedisServer, startRedis } from '../support/redis-server.js';
import { ACCOUNT } from '../support/samples.js';
import { receiver } from '../support/webhook-receiver.js';

// Three simulator instances over real HTTP sharing one redis-server (docs/guides/scale-out.md), for webhooks: a
// webhook registered on one is known to all, an event caused on another is delivered once, each attempt by exactly
// one instance (all three pump at once), a retry once; Redis away is a 503 and a paused delivery that resumes.
// The instances share one injected clock, which the tests move instead of waiting.

const START = Date.parse('2026-01-05T10:00:00.000Z');
let clock = START;
const now = () => clock;

/** The warnings an instance logs, read from its log lines. */
function warningsOf(lines: string[]): Writable {
  return new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        const entry = JSON.parse(line) as { level: number; msg: string };
        if (entry.level >= 40) lines.push(entry.msg);
      }
      done();
    },
  });
}

interface Logged extends Instance {
  warnings: string[];
}

/** Three instances on the shared clock, each with the warnings it logs. */
async function startThree(url: string): Promise<Logged[]> {
  const warnings: string[][] = [[], [], []];
  const started = await startInstances(url, 3, (index) => ({
    now,
    logger: { level: 'warn', stream: warningsOf(warnings[index] ?? []) },
  }));
  return started.map((instance, index) => ({ ...instance, warnings: warnings[index] ?? [] }));
}

const COMPLETED = 'payment.request.state-change.completed';

const CREATE_PAYMENT_REQUEST = {
  currency: 'USD',
  amount: 11000,
  payment_request_reference: 'cross-instance-webhook',
  customer_interaction_config: {
    method: 'HANDOVER',
    return_url: 'https://partner.example/return',
  },
};

describe('webhooks across three instances sharing one Redis', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let instances: Logged[] = [];
  let hook: Awaited<ReturnType<typeof receiver>> | undefined;

  beforeAll(async () => {
    if (machineRedis()) return;
    server = await startRedis({ appendOnly: true });
    instances = await startThree(`redis://${server.address}/0`);
  });
  afterAll(async () => {
    await stopAll(instances);
    await server?.stop();
  });
  afterEach(async () => {
    hook?.close();
    hook = undefined;
    // Each test starts from accounts with nothing registered.
    const reset = klarnaClient(() => at(0).base).admin.reset;
    await reset(ACCOUNT);
    await reset(at(0).app.mockConfig.defaultAccount);
  });

  const at = (index: number): Logged => {
    const instance = instances[index];
    if (!instance) throw new Error('no instance');
    return instance;
  };
  const client = (index: number) => klarnaClient(() => at(index).base);
  /** Every instance pumps at once, a few times over, as their timers would: each attempt must still go out once. */
  const pumpAll = async () => {
    for (let round = 0; round < 3; round++) {
      await Promise.all(instances.map((instance) => instance.app.webhooks.pump()));
    }
    await Promise.all(instances.map((instance) => instance.app.webhooks.idle()));
  };

  async function register(index: number, url: string, eventTypes = ['payment.request.*']) {
    const key = CreatedSigningKey.parse((await client(index).notifications.createSigningKey()).expectContract().body);
    const created = await client(index).notifications.createWebhook({
      url,
      event_types: eventTypes,
      event_version: 'v2',
      signing_key_id: key.signing_key_id,
      status: 'ENABLED',
    });
    return { key, webhook: Webhook.parse(created.expectContract().body) };
  }

  it('shows a key and a webhook made on A to B and C, the secret only once; a delete on C holds on A; a reset forgets them everywhere', async () => {
    const { key, webhook } = await register(0, 'https://partner.example/klarna/webhooks');
    const keys = (await client(1).notifications.signingKeys()).expectContract().body;
    expect(keys).toEqual({ signing_keys: [{ signing_key_id: key.signing_key_id, created_at: key.created_at }] });
    expect(JSON.stringify(keys)).not.toContain(key.signing_key);
    expect((await client(2).notifications.webhook(webhook.webhook_id)).expectContract().body).toEqual(webhook);
    const refused = await client(2).notifications.deleteSigningKey(key.signing_key_id);
    expect(refused.status).toBe(409);
    expect(refused.error('RESOURCE_CONFLICT').error_message).toContain(webhook.webhook_id);
    expect((await client(2).notifications.deleteWebhook(webhook.webhook_id)).status).toBe(204);
    expect((await client(0).notifications.webhook(webhook.webhook_id)).status).toBe(404);
    const again = await register(1, 'https://partner.example/again');
    expect((await client(1).admin.reset(at(0).app.mockConfig.defaultAccount)).status).toBe(200);
    expect((await client(2).notifications.webhooks()).body).toEqual({ webhooks: [] });
    expect((await client(0).notifications.signingKey(again.key.signing_key_id)).status).toBe(404);
  });

  it('delivers an event caused on B to a webhook registered on A exactly once, though all three instances pump', async () => {
    hook = await receiver();
    const { key, webhook } = await register(0, hook.url);
    // A payment request made and updated on B: its events go to the default account's webhook, which hears of
    // ACCOUNT, in the order they happened.
    const made = await client(1).paymentRequests.create(CREATE_PAYMENT_REQUEST);
    const id = (made.ok() as { payment_request_id: string }).payment_request_id;
    expect((await client(1).paymentRequests.update(id, { payment_request_reference: 'updated' })).status).toBe(200);
    const simulated = await client(2).notifications.simulate(webhook.webhook_id, {
      event_type: 'payment.request.state-change.completed',
    });
    const event = SimulatedEvent.parse(simulated.expectContract().body);
    await Promise.all(instances.map((instance) => instance.app.webhooks.idle()));
    await pumpAll();
    await expect.poll(() => hook?.received.length).toBe(3);
    await pumpAll();
    expect(hook.received).toHaveLength(3);
    const envelopes = hook.received.map((r) => WebhookEnvelope.parse(JSON.parse(r.raw)));
    const caused = envelopes.filter((e) => e.metadata.subject_account_id === ACCOUNT);
    expect(caused.map((e) => e.metadata.event_type)).toEqual([
      'payment.request.state-change.submitted',
      'payment.request.updated',
    ]);
    const simulatedOne = envelopes.filter((e) => e.metadata.event_id === event.event_id);
    expect(simulatedOne.map((e) => e.metadata.event_type)).toEqual(['payment.request.state-change.completed']);
    expect(new Set(envelopes.map((e) => e.metadata.webhook_id))).toEqual(new Set([webhook.webhook_id]));
    expect(new Set(hook.received.map((r) => r.keyId))).toEqual(new Set([key.signing_key_id]));
    // The delivery logs are read from any instance.
    const simulatedLog = (await client(1).admin.webhooks(at(0).app.mockConfig.defaultAccount)).ok();
    expect(simulatedLog.deliveries).toEqual([
      expect.objectContaining({ event_id: event.event_id, state: 'delivered', attempts: 1, last_status: 200 }),
    ]);
    const causedLog = (await client(2).admin.webhooks(ACCOUNT)).ok();
    expect(causedLog.deliveries).toEqual([
      expect.objectContaining({
        event_type: 'payment.request.state-change.submitted',
        state: 'delivered',
        attempts: 1,
      }),
      expect.objectContaining({ event_type: 'payment.request.updated', state: 'delivered', attempts: 1 }),
    ]);
  });

  it('signs with a key rotated on C (made on B) an event simulated on A, and the signature holds', async () => {
    hook = await receiver();
    const { webhook } = await register(0, hook.url);
    const rotated = CreatedSigningKey.parse((await client(1).notifications.createSigningKey()).ok());
    const patched = await client(2).notifications.updateWebhook(webhook.webhook_id, {
      signing_key_id: rotated.signing_key_id,
    });
    expect(Webhook.parse(patched.ok()).signing_key_id).toBe(rotated.signing_key_id);
    expect((await client(0).notifications.simulate(webhook.webhook_id, { event_type: COMPLETED })).status).toBe(202);
    await pumpAll();
    expect(hook.received.map((r) => r.keyId)).toEqual([rotated.signing_key_id]);
    const [delivered] = hook.received;
    expect(verifyKlarnaSignature(delivered?.raw ?? '', delivered?.signature, rotated.signing_key)).toBe(true);
  });

  it('retries for a failing receiver (500, then 200) once, not once per instance', async () => {
    hook = await receiver([500]);
    const { webhook } = await register(0, hook.url);
    const simulated = await client(2).notifications.simulate(webhook.webhook_id, {
      event_type: 'payment.request.state-change.completed',
    });
    expect(simulated.status).toBe(202);
    await pumpAll();
    expect(hook.received).toHaveLength(1);
    const account = at(0).app.mockConfig.defaultAccount;
    const pending = (await client(1).admin.webhooks(account)).ok().deliveries;
    expect(pending).toEqual([expect.objectContaining({ state: 'pending', attempts: 1, last_status: 500 })]);
    // Not yet due: nobody retries.
    clock += 29_999;
    await pumpAll();
    expect(hook.received).toHaveLength(1);
    clock += 1;
    await pumpAll();
    await pumpAll();
    expect(hook.received).toHaveLength(2);
    expect(hook.received[1]?.raw).toBe(hook.received[0]?.raw);
    const done = (await client(2).admin.webhooks(account)).ok().deliveries;
    expect(done).toEqual([expect.objectContaining({ state: 'delivered', attempts: 2, last_status: 200 })]);
  });

  /**
   * A webhook on the default account, an event for it due a minute from now, and a fourth instance D whose clock is a
   * minute ahead (so only D may claim it), sending with `post`: resolves once D's attempt has reached `post`.
   */
  async function claimedByD(post: Post) {
    if (!server) throw new Error('no server');
    hook = await receiver();
    const account = at(0).app.mockConfig.defaultAccount;
    const { webhook } = await register(0, hook.url);
    expect((await client(0).admin.webhookFault({ account, fault: 'delay', delay_ms: 60_000 })).status).toBe(204);
    let reached: () => void = () => undefined;
    const posted = new Promise<void>((resolve) => {
      reached = resolve;
    });
    const [d] = await startInstances(`redis://${server.address}/0`, 1, () => ({
      now: () => clock + 60_000,
      logger: false,
      webhookPost: (...args) => {
        reached();
        return post(...args);
      },
    }));
    if (!d) throw new Error('no instance');
    expect((await client(1).notifications.simulate(webhook.webhook_id, { event_type: COMPLETED })).status).toBe(202);
    void d.app.webhooks.pump();
    await posted;
    return { d, account, hook };
  }

  it('leaves the attempt of an instance that died mid-delivery to another, after its lease, recorded once', async () => {
    let answer: (status: number) => void = () => undefined;
    // D's attempt never ends (as if D had died mid-delivery) until the test lets it.
    const { d, account, hook } = await claimedByD(
      () =>
        new Promise<number>((resolve) => {
          answer = resolve;
        }),
    );
    try {
      await pumpAll();
      expect(hook.received).toHaveLength(0);
      // Its lease runs out (Redis expires it), and the others' clocks reach the attempt.
      const probe = server?.client();
      await probe?.pexpire(webhookKeys('km:', account).scripted[8] ?? '', 1);
      probe?.disconnect();
      clock += 60_000;
      await expect
        .poll(async () => {
          await pumpAll();
          return hook.received.length;
        })
        .toBe(1);
      answer(200);
      await d.app.webhooks.idle();
      await pumpAll();
      expect(hook.received).toHaveLength(1);
      const log = (await client(2).admin.webhooks(account)).ok().deliveries;
      expect(log).toEqual([expect.objectContaining({ state: 'delivered', attempts: 1, fault: 'delay' })]);
    } finally {
      answer(200);
      await stopAll([d]);
    }
  });

  it('takes back, uncounted, the attempt of an instance that shuts down mid-delivery: another makes it at once', async () => {
    // D's attempt lasts until D shuts down, which cuts it short.
    const { d, account, hook } = await claimedByD(
      (_url, _body, _headers, signal) =>
        new Promise<number>((_resolve, reject) => {
          signal?.addEventListener('abort', () => reject(new Error('closing')), { once: true });
        }),
    );
    await stopAll([d]);
    clock += 60_000;
    await pumpAll();
    expect(hook.received).toHaveLength(1);
    const log = (await client(2).admin.webhooks(account)).ok().deliveries;
    expect(log).toEqual([expect.objectContaining({ state: 'delivered', attempts: 1, last_status: 200 })]);
  });

  it('answers a 503 while Redis is down, logs the paused delivery once, and delivers the retry once it is back', async () => {
    if (!server) throw new Error('no server');
    hook = await receiver([500]);
    const { webhook } = await register(0, hook.url);
    await client(1).notifications.simulate(webhook.webhook_id, {
      event_type: 'payment.request.state-change.completed',
    });
    await pumpAll();
    expect(hook.received).toHaveLength(1);
    await server.kill();
    const down = await client(1).notifications.webhooks();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ error_type: 'TECHNICAL_ERROR', error_code: 'TEMPORARY_UNAVAILABLE' });
    const paused = (warnings: string[]) => warnings.filter((w) => w.includes('webhook delivery paused')).length;
    clock += 30_000;
    await pumpAll();
    await pumpAll();
    expect(instances.map((instance) => paused(instance.warnings))).toEqual([1, 1, 1]);
    await server.restart();
    await allReady(instances);
    await pumpAll();
    await pumpAll();
    expect(hook.received).toHaveLength(2);
    expect(instances.map((instance) => paused(instance.warnings))).toEqual([1, 1, 1]);
    expect(instances.every((instance) => instance.warnings.some((w) => w.includes('webhook delivery resumed')))).toBe(
      true,
    );
  });
});

describe('webhooks across three instances sharing one Redis Cluster', () => {
  beforeEach(needsRedis);
  let cluster: { stop: () => Promise<void> } | undefined;
  let instances: Instance[] = [];
  beforeAll(async () => {
    if (machineRedis()) return;
    const started = await startTopology('cluster');
    cluster = started;
    instances = await startInstances(started.url, 3, () => ({ now, logger: false }));
  }, 30_000);
  afterAll(async () => {
    await stopAll(instances);
    await cluster?.stop();
  });

  it('delivers a simulated event for a webhook made on A, sent through B, once while all three pump', async () => {
    const hook = await receiver();
    try {
      const [a, b] = instances.map((instance) => klarnaClient(() => instance.base));
      const key = CreatedSigningKey.parse((await a?.notifications.createSigningKey())?.ok());
      const webhook = Webhook.parse(
        (
          await a?.notifications.createWebhook({
            url: hook.url,
            event_types: ['payment.request.*'],
            event_version: 'v2',
            signing_key_id: key.signing_key_id,
            status: 'ENABLED',
          })
        )?.ok(),
      );
      const simulated = await b?.notifications.simulate(webhook.webhook_id, {
        event_type: 'payment.request.state-change.completed',
      });
      expect(simulated?.status).toBe(202);
      for (let round = 0; round < 3; round++) {
        await Promise.all(instances.map((instance) => instance.app.webhooks.pump()));
      }
      await expect.poll(() => hook.received.length).toBe(1);
      await Promise.all(instances.map((instance) => instance.app.webhooks.pump()));
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]?.keyId).toBe(key.signing_key_id);
    } finally {
      hook.close();
    }
  });
});
