import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runClientCheck } from '../../contract-suite/client-check.js';
import type { ClientReport } from '../../contracts/index.js';
import { startMock } from '../../mock-server/app/start-mock.js';
import { DEFAULT_NAMESPACE, journalChannel } from '../../mock-server/io/redis/redis-keys.js';
import { openStream } from '../support/event-stream.js';
import { klarnaClient } from '../support/klarna-client.js';
import { allReady, type Instance, startThree, stopAll } from '../support/redis-instances.js';
import { machineRedis, needsRedis, type RedisServer, startRedis } from '../support/redis-server.js';
import { loadSamples } from '../support/samples.js';

// The request journal of three simulator instances over real HTTP sharing one redis-server
// (docs/guides/scale-out.md): every instance reads one journal, in one order; a client that got its answer finds its
// request on any instance; the client report (what the contract suite's `contract:client` reads) of one instance
// judges the requests sent to the others; a reset anywhere forgets it everywhere; Redis away is Klarna's 503 everywhere.

const stepUp = loadSamples()['initial-authorization-step-up'];
if (!stepUp) throw new Error('missing sample');
const GOOD_BODY = { ...stepUp.body, step_up_config: undefined };
const API_KEY = 'klarna_test_api_secret';

let accounts = 0;
/** An account per test: the tests share the instances and their journal. */
const freshAccount = () => `krn:partner:global:account:test:JOURNAL${++accounts}`;

describe('three instances sharing one journal in Redis', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let instances: Instance[] = [];

  beforeAll(async () => {
    if (machineRedis()) return;
    server = await startRedis();
    instances = await startThree(`redis://${server.address}/0`);
  });
  afterAll(async () => {
    await stopAll(instances);
    await server?.stop();
  });

  const at = (index: number): Instance => {
    const instance = instances[index % instances.length];
    if (!instance) throw new Error('no instances');
    return instance;
  };
  const client = (index: number) => klarnaClient(at(index).base);
  /** Authorizes on instance `index` and answers the request's id (its Klarna-Correlation-Id). */
  const authorize = async (index: number, account: string, headers: Record<string, string> = {}, body = GOOD_BODY) => {
    // Each answer whole and in its contract: the answer that waited for Redis is the one the route sent.
    const answer = (await client(index).authorize(body, { account, apiKey: API_KEY, headers })).expectContract();
    const id = answer.headers.get('klarna-correlation-id');
    if (id === null) throw new Error('no correlation id');
    return { id, status: answer.status };
  };
  const journalIds = async (index: number, account?: string) => {
    const query = account === undefined ? '' : `?account=${encodeURIComponent(account)}`;
    return (await client(index).admin.requests(query)).ok().requests.map((entry) => entry.id);
  };
  const report = async (index: number, account: string): Promise<ClientReport> =>
    (await client(index).admin.report(`?account=${encodeURIComponent(account)}`)).ok();

  it('shows requests sent round-robin to A, B and C on every instance, in the order they were answered', async () => {
    const account = freshAccount();
    const sent: string[] = [];
    for (let i = 0; i < 9; i++) sent.push((await authorize(i, account, { 'klarna-idempotency-key': randomUUID() })).id);
    for (const index of [0, 1, 2]) expect(await journalIds(index, account)).toEqual(sent);
    // Every account's read too.
    for (const index of [0, 1, 2]) expect((await journalIds(index)).filter((id) => sent.includes(id))).toEqual(sent);
  });

  it('journals the operations beside authorize sent to A and B, read on C, their answers whole', async () => {
    const account = freshAccount();
    const auth = { authorization: `Basic ${API_KEY}` };
    const created = await client(0).paymentRequests.create(
      { currency: 'USD', amount: 1000, customer_interaction_config: { method: 'SDK' } },
      { ...auth, 'klarna-idempotency-key': randomUUID() },
      account,
    );
    expect(created.ok().payment_request_id).toMatch(/^krn:payment:/);
    const missing = await fetch(
      `${at(1).base}/v2/accounts/${encodeURIComponent(account)}/payment/transactions/krn:payment:eu1:transaction:nope`,
      { headers: auth },
    );
    expect(missing.status).toBe(404);
    const entries = (await client(2).admin.requests(`?account=${encodeURIComponent(account)}`)).ok().requests;
    expect(entries.map((entry) => [entry.method, entry.status])).toEqual([
      ['POST', 201],
      ['GET', 404],
    ]);
    expect(entries[0]?.body).toMatchObject({ currency: 'USD', amount: 1000 });
  });

  it('lets a read on another instance, right after the answer, see the request', async () => {
    const account = freshAccount();
    for (let i = 0; i < 6; i++) {
      const { id } = await authorize(i, account, { 'klarna-idempotency-key': randomUUID() });
      // No wait, no polling: the answer went once Redis had the record.
      expect((await journalIds(i + 1, account)).at(-1)).toBe(id);
    }
  });

  it('holds the answer until Redis has the record, so a read on another instance after it sees it, however slow Redis is', async () => {
    if (!server) throw new Error('no server');
    const account = freshAccount();
    const probe = server.client();
    try {
      // Redis holds every write for 300 ms (reads go on): without a key or token, the record is authorize's one write.
      await probe.call('CLIENT', 'PAUSE', '300', 'WRITE');
      const { id, status } = await authorize(0, account);
      expect(status).toBe(200);
      expect(await journalIds(1, account)).toEqual([id]);
    } finally {
      await probe.call('CLIENT', 'UNPAUSE');
      probe.disconnect();
    }
  });

  it('shows concurrent requests on A, B and C in one order, the same on every instance', async () => {
    const account = freshAccount();
    const sent = await Promise.all(
      Array.from({ length: 30 }, (_, i) => authorize(i, account, { 'klarna-idempotency-key': randomUUID() })),
    );
    const [a, b, c] = await Promise.all([journalIds(0, account), journalIds(1, account), journalIds(2, account)]);
    expect(a).toHaveLength(30);
    expect(new Set(a)).toEqual(new Set(sent.map((answer) => answer.id)));
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it("gives the contract suite's client report on C of the requests sent to A and B", async () => {
    const good = freshAccount();
    const bad = freshAccount();
    await authorize(0, good, { 'klarna-idempotency-key': randomUUID() });
    await authorize(1, good, { 'klarna-idempotency-key': randomUUID() });
    // A bad client: a float amount without currency on A, a typo field on B, a failure on A and its retry under a new
    // key on B.
    await authorize(0, bad, { 'klarna-idempotency-key': randomUUID() }, {
      request_payment_transaction: { amount: 118.5 },
    } as typeof GOOD_BODY);
    const typo = { ...GOOD_BODY, request_payment_transaction: { amount: 11800, paymnet_transaction_reference: 'x' } };
    await authorize(1, bad, { 'klarna-idempotency-key': randomUUID() }, typo as typeof GOOD_BODY);
    const failed = await authorize(0, bad, { 'klarna-idempotency-key': randomUUID(), 'mock-scenario': 'timeout' });
    expect(failed.status).toBe(500);
    await authorize(1, bad, { 'klarna-idempotency-key': randomUUID() });

    const check = async (...argv: string[]) => {
      let out = '';
      const code = await runClientCheck(
        ['--base-url', at(2).base, ...argv],
        {},
        { out: (t) => (out += t), err: () => {} },
      );
      return { code, out };
    };
    const passed = await check('--account', good, '--json');
    expect(passed.code).toBe(0);
    expect(JSON.parse(passed.out)).toMatchObject({ account: good, requests: 2, errors: 0, warnings: 0 });
    const refused = await check('--account', bad);
    expect(refused.code).toBe(1);
    expect(refused.out).toContain('✗ error   VALIDATION_ERROR (2×)');
    const result = await report(2, bad);
    expect(result.requests).toBe(4);
    expect(result.findings.map((f) => `${f.severity}:${f.code}`)).toEqual([
      'error:VALIDATION_ERROR',
      'warning:unknown_field',
      'warning:retry_with_new_key',
    ]);
    // Every instance gives the same report.
    expect(await report(0, bad)).toEqual(result);
    expect(await report(1, bad)).toEqual(result);
  });

  it("forgets an account's journal on every instance when one resets it", async () => {
    const account = freshAccount();
    const other = freshAccount();
    await authorize(0, account);
    const kept = await authorize(1, other);
    const reset = await client(1).admin.reset(account);
    expect(reset.status).toBe(200);
    expect(await journalIds(0, account)).toEqual([]);
    expect(await journalIds(2, account)).toEqual([]);
    expect(await journalIds(2, other)).toEqual([kept.id]);
    const listed = await fetch(`${at(2).base}/__mock/ui/accounts`).then((r) => r.json());
    expect(listed.accounts).toContain(other);
    expect(listed.accounts).not.toContain(account);
    // What comes after the reset is kept (the answers' reset, which goes on in the background, leaves the journal be).
    const after = await Promise.all([0, 1, 2].map((index) => authorize(index, account)));
    expect((await journalIds(1, account)).sort()).toEqual(after.map((answer) => answer.id).sort());
  });

  it("streams to the inspector on C the requests sent to A, and lists A's accounts on C", async () => {
    if (!server) throw new Error('no server');
    const account = freshAccount();
    const stream = await openStream(`${at(2).base}/__mock/ui/events?account=${encodeURIComponent(account)}`);
    const probe = server.client();
    try {
      await stream.until(/event: ready\n/);
      // C hears the journal's channel once its subscription is in: asked a bounded number of times.
      await expect
        .poll(async () => {
          const [, count] = (await probe.call('PUBSUB', 'NUMSUB', journalChannel(DEFAULT_NAMESPACE))) as [
            string,
            number,
          ];
          return Number(count);
        })
        .toBeGreaterThan(0);
      const { id } = await authorize(0, account);
      const match = await stream.until(/event: request\nid: (\d+)\ndata: (.*)\n\n/);
      expect(JSON.parse(match[2] as string)).toEqual({ seq: 1, id, account });
      const listed = await fetch(`${at(2).base}/__mock/ui/accounts`).then((r) => r.json());
      expect(listed.accounts[0]).toBe(account);
    } finally {
      stream.close();
      probe.disconnect();
    }
  });

  it('gives startMock the shared journal through readRequests and readReport; requests() refuses to guess', async () => {
    if (!server) throw new Error('no server');
    const account = freshAccount();
    const mock = await startMock({ config: { store: `redis://${server.address}/0` }, logger: false });
    try {
      const { id } = await authorize(0, account, { 'klarna-idempotency-key': randomUUID() });
      expect((await mock.readRequests(account)).map((entry) => entry.id)).toEqual([id]);
      expect(await mock.readReport(account)).toMatchObject({ requests: 1, errors: 0 });
      expect(() => mock.requests(account)).toThrow('use await mock.readRequests() instead of requests()');
      expect(() => mock.report(account)).toThrow('use await mock.readReport() instead of report()');
      await mock.reset(account);
      expect(await journalIds(1, account)).toEqual([]);
    } finally {
      await mock.close();
    }
  });

  it("answers Klarna's 503 while Redis is down, to authorize, a journal read, the inspector, the reset and the client report", async () => {
    if (!server) throw new Error('no server');
    const account = freshAccount();
    await authorize(0, account);
    await server.kill();
    try {
      // Even without a key or a token, authorize reads the account's clock and armed scenarios from the store.
      expect((await authorize(0, account)).status).toBe(503);
      const read = await fetch(`${at(1).base}/__mock/requests?account=${encodeURIComponent(account)}`);
      expect(read.status).toBe(503);
      expect(read.headers.get('retry-after')).toBe('1');
      expect(await read.json()).toMatchObject({ error_type: 'TECHNICAL_ERROR', error_code: 'TEMPORARY_UNAVAILABLE' });
      const accountsRead = await fetch(`${at(2).base}/__mock/ui/accounts`);
      expect(accountsRead.status).toBe(503);
      const reset = await fetch(`${at(0).base}/__mock/accounts/${encodeURIComponent(account)}/reset`, {
        method: 'POST',
      });
      expect(reset.status).toBe(503);
      let err = '';
      const code = await runClientCheck(
        ['--base-url', at(2).base, '--account', account],
        {},
        { out: () => {}, err: (t) => (err += t) },
      );
      expect(code).toBe(2);
      expect(err).toMatch(
        /\/__mock\/report\?account=\S+ answered 503 TEMPORARY_UNAVAILABLE: Service Temporarily Unavailable/,
      );
    } finally {
      await server.restart();
      await allReady(instances);
    }
    const after = await authorize(2, account);
    // Without persistence the restarted server kept nothing: the journal has what was written since.
    expect(await journalIds(0, account)).toEqual([after.id]);
  });
});
