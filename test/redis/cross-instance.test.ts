import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { buildApp, type MockApp } from '../../mock-server/app/build-app.js';
import { openAnswerStore } from '../../mock-server/app/open-answer-store.js';
import { parseMockConfig } from '../../mock-server/core/config.js';
import type { RedisAnswerStore } from '../../mock-server/io/redis/redis-answer-store.js';
import { NoRedis, type RedisServer, redisUnavailable, startRedis } from '../support/redis-server.js';
import { AUTHORIZE_URL } from '../support/samples.js';
import { listening } from '../support/test-app.js';

// Three simulator instances over real HTTP sharing one redis-server (docs/guides/scale-out.md): what one answers,
// the others replay byte for byte; a restart of all keeps the answers; Redis away is a Klarna 503, and back again
// serves again.

const unavailable = redisUnavailable();

function needsRedis({ skip }: { skip: (note?: string) => void }): void {
  if (unavailable instanceof NoRedis) skip(unavailable.reason);
  if (unavailable instanceof Error) throw unavailable;
}

const BODY = JSON.stringify({
  currency: 'EUR',
  request_payment_transaction: { amount: 11800, payment_transaction_reference: 'cross-instance' },
});

interface Instance {
  app: MockApp;
  base: string;
  store: RedisAnswerStore;
}

interface Sent {
  status: number;
  body: string;
  replayed: boolean;
}

async function post(instance: Instance, key: string): Promise<Sent> {
  const response = await fetch(instance.base + AUTHORIZE_URL(), {
    method: 'POST',
    headers: {
      authorization: 'Basic klarna_test_api_k',
      'content-type': 'application/json',
      'klarna-idempotency-key': key,
    },
    body: BODY,
  });
  return {
    status: response.status,
    body: await response.text(),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

describe('three instances sharing one Redis', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let instances: Instance[] = [];

  async function startInstances(): Promise<void> {
    if (!server) throw new Error('no server');
    const config = { store: `redis://${server.address}/0`, logger: false };
    const parsed = parseMockConfig({ store: config.store });
    if (!parsed.success) throw parsed.error;
    instances = await Promise.all(
      [0, 1, 2].map(async () => {
        const store = await openAnswerStore(parsed.data, () => {});
        if (!store) throw new Error('memory store');
        const app = await buildApp({ config: { store: config.store }, answerStore: store, logger: false });
        return { app, base: await listening(app), store };
      }),
    );
  }

  async function stopInstances(): Promise<void> {
    await Promise.all(instances.map((instance) => instance.app.close()));
    for (const instance of instances) instance.store.close();
    instances = [];
  }

  beforeAll(async () => {
    if (unavailable) return;
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

  it('answers concurrent requests with one key, spread round-robin, with one transaction and the same bytes', async () => {
    const sent = await Promise.all(Array.from({ length: 60 }, (_, index) => post(at(index), 'same-key-1')));
    expect(sent.map((answer) => answer.status)).toEqual(Array(60).fill(200));
    expect(new Set(sent.map((answer) => answer.body)).size).toBe(1);
    expect(sent.filter((answer) => !answer.replayed)).toHaveLength(1);
    const body = JSON.parse(sent[0]?.body ?? '{}');
    expect(body.payment_transaction_response.result).toBe('APPROVED');
    expect(body.payment_transaction_response.payment_transaction.payment_transaction_id).toMatch(/^krn:payment:/);
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
    await Promise.all(
      instances.map(({ store }) =>
        store.client.status === 'ready'
          ? undefined
          : new Promise((resolve) => store.client.once('ready', () => resolve(undefined))),
      ),
    );
    expect(await post(at(2), 'fault-key')).toEqual({ status: 200, body: before.body, replayed: true });
    expect(await post(at(1), 'after-fault-key')).toMatchObject({ status: 200, replayed: false });
  });
});
