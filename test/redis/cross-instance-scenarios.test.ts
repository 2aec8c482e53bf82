import { describe, expect, it } from 'vitest';
import { startMock } from '../../mock-server/app/start-mock.js';
import { type Instance, threeInstances } from '../support/redis-instances.js';
import { ACCOUNT, AUTHORIZE_URL } from '../support/samples.js';

// Three simulator instances over real HTTP sharing one Redis (docs/guides/scale-out.md): a scenario armed on one
// answers exactly its `times` requests whichever instance they reach, every instance lists the same armed scenarios,
// and an account clock moved on one decides the expiries on the others.

const HOUR = 3_600_000;

interface Answer {
  status: number;
  body: {
    payment_transaction_response?: { result?: string; payment_transaction?: { payment_transaction_id?: string } };
  };
  replayed: boolean;
}

async function authorize(instance: Instance, account: string, key?: string): Promise<Answer> {
  const response = await fetch(instance.base + AUTHORIZE_URL(account), {
    method: 'POST',
    headers: {
      authorization: 'Basic klarna_test_api_k',
      'content-type': 'application/json',
      ...(key !== undefined && { 'klarna-idempotency-key': key }),
    },
    body: JSON.stringify({
      currency: 'EUR',
      request_payment_transaction: { amount: 11800, payment_transaction_reference: 'scenarios-across' },
    }),
  });
  return {
    status: response.status,
    body: await response.json(),
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

async function admin(instance: Instance, method: string, path: string, body?: unknown) {
  const response = await fetch(instance.base + path, {
    method,
    ...(body !== undefined && { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, body: text === '' ? undefined : JSON.parse(text) };
}

/** 30 authorizations of one account at once, round-robin over the instances; their results. */
async function thirtyAtOnce(instances: Instance[], account: string): Promise<(string | undefined)[]> {
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, index) => authorize(instances[index % 3] as Instance, account)),
  );
  expect(answers.map((answer) => answer.status)).toEqual(Array(30).fill(200));
  return answers.map((answer) => answer.body.payment_transaction_response?.result);
}

const count = (results: (string | undefined)[], result: string) => results.filter((r) => r === result).length;

describe('scenarios and clocks across three instances sharing one Redis', () => {
  const { at, all, url, server } = threeInstances('single');

  it('answers a scenario armed on A with times: 5 for exactly 5 of 30 concurrent requests spread over A, B, C', async () => {
    const account = 'krn:partner:global:account:test:TIMES5';
    expect((await admin(at(0), 'POST', '/__mock/scenarios', { account, name: 'declined', times: 5 })).status).toBe(201);
    const results = await thirtyAtOnce(all(), account);
    expect(count(results, 'DECLINED')).toBe(5);
    expect(count(results, 'APPROVED')).toBe(25);
    for (const instance of all()) {
      expect((await admin(instance, 'GET', `/__mock/scenarios?account=${account}`)).body.armed).toEqual([]);
    }
    // More firings than one instance's share of the requests: only a count shared by all reaches 15.
    await admin(at(1), 'POST', '/__mock/scenarios', { account, name: 'declined', times: 15 });
    expect(count(await thirtyAtOnce(all(), account), 'DECLINED')).toBe(15);
  });

  it('lists the same armed scenarios and remaining counts from every instance', async () => {
    const account = 'krn:partner:global:account:test:LIST';
    await admin(at(1), 'POST', '/__mock/scenarios', { account, name: 'declined', times: 3 });
    await admin(at(2), 'POST', '/__mock/scenarios', { name: 'timeout', times: 2, match: { amount: 1 } });
    await authorize(at(0), account);
    const lists = await Promise.all(all().map((instance) => admin(instance, 'GET', '/__mock/scenarios')));
    const armed = lists.map((list) =>
      list.body.armed.map((s: { account: string; remaining: number; scenario: { name: string } }) => [
        s.account,
        s.scenario.name,
        s.remaining,
      ]),
    );
    expect(armed[0]).toEqual([
      [account, 'declined', 2],
      [null, 'timeout', 2],
    ]);
    expect(armed[1]).toEqual(armed[0]);
    expect(armed[2]).toEqual(armed[0]);
    expect(lists[1]?.body).toEqual(lists[0]?.body);
    const forAll = lists[0]?.body.armed[1].id;
    expect((await admin(at(0), 'DELETE', `/__mock/scenarios/${forAll}`)).status).toBe(204);
    expect((await admin(at(1), 'DELETE', `/__mock/scenarios/${forAll}`)).status).toBe(404);
  });

  it('lets a clock moved on A expire an idempotency answer as seen from B, and a reset on C forget it', async () => {
    const account = 'krn:partner:global:account:test:CLOCK';
    const first = await authorize(at(0), account, 'clock-key');
    expect(first).toMatchObject({ status: 200, replayed: false });
    expect(await authorize(at(1), account, 'clock-key')).toMatchObject({ status: 200, replayed: true });
    const moved = await admin(at(0), 'POST', '/__mock/clock', { account, advance_ms: 24 * HOUR + 1 });
    expect(moved.status).toBe(200);
    // C reads the moved clock (real time went on a few milliseconds meanwhile).
    const seen = Date.parse((await admin(at(2), 'GET', `/__mock/clock?account=${account}`)).body.now);
    expect(seen - Date.parse(moved.body.now)).toBeGreaterThanOrEqual(0);
    expect(seen - Date.now()).toBeGreaterThan(24 * HOUR - 60_000);
    // Past the 24-hour window on the moved clock: B runs the request afresh, with a new transaction.
    const after = await authorize(at(1), account, 'clock-key');
    expect(after).toMatchObject({ status: 200, replayed: false });
    const id = (answer: Answer) =>
      answer.body.payment_transaction_response?.payment_transaction?.payment_transaction_id;
    expect(id(after)).not.toBe(id(first));
    expect((await admin(at(2), 'POST', `/__mock/accounts/${account}/reset`)).status).toBe(200);
    const now = Date.parse((await admin(at(1), 'GET', `/__mock/clock?account=${account}`)).body.now);
    expect(Math.abs(now - Date.now())).toBeLessThan(HOUR);
  });

  it('forgets on a reset from B what was armed for the account on A, for every instance', async () => {
    await admin(at(0), 'POST', '/__mock/scenarios', { account: ACCOUNT, name: 'declined', times: 10 });
    const reset = await admin(at(1), 'POST', `/__mock/accounts/${encodeURIComponent(ACCOUNT)}/reset`);
    expect(reset.body).toEqual({ account: ACCOUNT, disarmed: 1 });
    expect((await admin(at(2), 'GET', `/__mock/scenarios?account=${ACCOUNT}`)).body.armed).toEqual([]);
    expect((await authorize(at(2), ACCOUNT)).body.payment_transaction_response?.result).toBe('APPROVED');
  });
  it("lets startMock's arm, disarm and reset be awaited over the shared store, as instance A sees", async () => {
    const account = 'krn:partner:global:account:test:STARTMOCK';
    const mock = await startMock({ config: { store: url() }, logger: false });
    try {
      const armed = await mock.arm({ account, name: 'declined', times: 2 });
      expect((await authorize(at(0), account)).body.payment_transaction_response?.result).toBe('DECLINED');
      await expect(async () => mock.arm({ name: 'no-such' })).rejects.toThrow(/name: unknown scenario "no-such"/);
      expect(await mock.disarm(armed.id)).toBe(true);
      await mock.arm({ account, name: 'declined' });
      await mock.reset(account);
      expect((await authorize(at(1), account)).body.payment_transaction_response?.result).toBe('APPROVED');
    } finally {
      await mock.close();
    }
  });
  // Last of this describe: it stops Redis for a while.
  it("answers Klarna's 503 for arming, clocks and authorize while Redis is away, and serves again after", async () => {
    const account = 'krn:partner:global:account:test:AWAY';
    const redis = server();
    if (!redis) throw new Error('no server');
    await redis.kill();
    const armed = await admin(at(0), 'POST', '/__mock/scenarios', { account, name: 'declined' });
    expect(armed).toMatchObject({ status: 503, body: { error_code: 'TEMPORARY_UNAVAILABLE' } });
    expect((await admin(at(1), 'GET', `/__mock/clock?account=${account}`)).status).toBe(503);
    const response = await fetch(at(2).base + AUTHORIZE_URL(account), {
      method: 'POST',
      headers: { authorization: 'Basic klarna_test_api_k', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('klarna-correlation-id')).toMatch(/./);
    await redis.restart();
    await Promise.all(
      all().map(({ store }) =>
        store.client.status === 'ready' ? undefined : new Promise((resolve) => store.client.once('ready', resolve)),
      ),
    );
    expect((await admin(at(0), 'POST', '/__mock/scenarios', { account, name: 'declined' })).status).toBe(201);
    expect((await authorize(at(1), account)).body.payment_transaction_response?.result).toBe('DECLINED');
  });
});

describe('scenarios across three instances sharing one Redis Cluster', () => {
  const { at, all } = threeInstances('cluster');

  it('answers a scenario armed on A with times: 5, and one for all with times: 12, exactly that often', async () => {
    const account = 'krn:partner:global:account:test:CLUSTER';
    await admin(at(0), 'POST', '/__mock/scenarios', { account, name: 'declined', times: 5 });
    await admin(at(0), 'POST', '/__mock/scenarios', { name: 'declined', times: 12 });
    const results = await thirtyAtOnce(all(), account);
    expect(count(results, 'DECLINED')).toBe(17);
    expect(count(results, 'APPROVED')).toBe(13);
  });
});
