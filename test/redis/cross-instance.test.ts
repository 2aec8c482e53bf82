import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp } from '../../mock-server/app/build-app.js';
import { allReady, type Instance, startThree, stopAll, threeInstances } from '../support/redis-instances.js';
import { machineRedis, needsRedis, type RedisServer, startRedis } from '../support/redis-server.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { listening } from '../support/test-app.js';

// Three simulator instances over real HTTP sharing one redis-server (docs/guides/scale-out.md): what one answers,
// the others replay byte for byte; a restart of all keeps the answers; Redis away is a Klarna 503, and back again
// serves again.

const BODY = JSON.stringify({
  currency: 'EUR',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'cross-instance' },
});

interface Sent {
  status: number;
  body: string;
  replayed: boolean;
}

async function post(instance: Instance, key: string, headers: Record<string, string> = {}): Promise<Sent> {
  const response = await fetch(instance.base + AUTHORIZE_URL(), {
    method: 'POST',
    headers: {
      authorization: 'Basic klarna_test_api_k',
      'content-type': 'application/json',
      'klarna-idempotency-key': key,
      ...headers,
    },
    body: BODY,
  });
  return {
    status: response.status,
    body: await response.text(),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

/** Sends `count` requests with one key at once, round-robin over the instances. */
function spread(instances: Instance[], count: number, key: string): Promise<Sent[]> {
  return Promise.all(
    Array.from({ length: count }, (_, index) => {
      const instance = instances[index % instances.length];
      if (!instance) throw new Error('no instances');
      return post(instance, key);
    }),
  );
}

function expectOneAnswer(sent: Sent[]): void {
  expect(sent.map((answer) => answer.status)).toEqual(Array(sent.length).fill(200));
  expect(new Set(sent.map((answer) => answer.body)).size).toBe(1);
  expect(sent.filter((answer) => !answer.replayed)).toHaveLength(1);
  const body = JSON.parse(sent[0]?.body ?? '{}');
  expect(body.payment_transaction_response.result).toBe('APPROVED');
  expect(body.payment_transaction_response.payment_transaction.payment_transaction_id).toMatch(/^krn:payment:/);
}

describe('three instances sharing one Redis', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let instances: Instance[] = [];

  const startInstances = async () => {
    if (!server) throw new Error('no server');
    instances = await startThree(`redis://${server.address}/0`);
  };
  const stopInstances = async () => {
    await stopAll(instances);
    instances = [];
  };

  beforeAll(async () => {
    if (machineRedis()) return;
    server = await startRedis({ appendOnly: true });
    await startInstances();
  });
  afterAll(async () => {
    await stopInstances();
    await server?.stop();
  });

  const at = (index: number): Instance => {
    const instance = instances[index % instances.length];
    if (!instance) throw new Error('no instances');
    return instance;
  };

  it('answers 1,000 concurrent requests with one key, spread round-robin, with one transaction and the same bytes', async () => {
    expectOneAnswer(await spread(instances, 1_000, 'same-key-1'));
  });

  it('answers concurrent requests with one session token and distinct keys, round-robin, with one transaction', async () => {
    const token = { 'klarna-network-session-token': 'cross-instance-session-token' };
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, index) => post(at(index), `token-key-${index}`, token)),
    );
    expectOneAnswer(sent);
    // Every key was recorded with that answer, on whichever instance: a retry under any of them replays it.
    const retries = await Promise.all(
      Array.from({ length: 30 }, (_, index) => post(at(index + 1), `token-key-${index}`, token)),
    );
    expect(retries.filter((retry) => retry.replayed && retry.body === sent[0]?.body)).toHaveLength(30);
  });

  it('replays an answer after every instance restarted', async () => {
    const first = await post(at(0), 'restart-key');
    expect(first).toMatchObject({ status: 200, replayed: false });
    await stopInstances();
    await startInstances();
    const again = await Promise.all([post(at(1), 'restart-key'), post(at(2), 'restart-key')]);
    expect(again).toEqual([
      { status: 200, body: first.body, replayed: true },
      { status: 200, body: first.body, replayed: true },
    ]);
  });

  it('opens the store its settings name when built without one, and closes it with the app', async () => {
    if (!server) throw new Error('no server');
    const first = await post(at(0), 'settings-key');
    const probe = server.client();
    try {
      const clients = async () =>
        String(await probe.client('LIST'))
          .trim()
          .split('\n').length;
      const before = await clients();
      const app = await buildApp({ config: { store: `redis://${server.address}/0` }, logger: false });
      const own = { app, base: await listening(app), store: at(0).store };
      expect(await post(own, 'settings-key')).toEqual({ status: 200, body: first.body, replayed: true });
      expect(await clients()).toBe(before + 1);
      await app.close();
      // The server notices the closed connection on its own schedule: asked again a bounded number of times.
      let after = await clients();
      for (let asked = 0; asked < 100 && after > before; asked++) after = await clients();
      expect(after).toBe(before);
    } finally {
      probe.disconnect();
    }
  });

  it('answers a Klarna 503 while Redis is down, and serves again once it is back, its answers kept', async () => {
    if (!server) throw new Error('no server');
    const before = await post(at(0), 'fault-key');
    expect(before.status).toBe(200);
    await server.kill();
    const down = await post(at(1), 'fault-key');
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toMatchObject({
      error_type: 'TECHNICAL_ERROR',
      error_code: 'TEMPORARY_UNAVAILABLE',
      error_message: expect.stringContaining('state store'),
    });
    await server.restart();
    await allReady(instances);
    expect(await post(at(2), 'fault-key')).toEqual({ status: 200, body: before.body, replayed: true });
    expect(await post(at(1), 'after-fault-key')).toMatchObject({ status: 200, replayed: false });
  });
});

describe('three instances sharing one Redis Cluster', () => {
  const { all } = threeInstances('cluster');

  it('answers concurrent requests with one key, spread round-robin, with one transaction and the same bytes', async () => {
    expectOneAnswer(await spread(all(), 60, 'cluster-key-1'));
  });
});
