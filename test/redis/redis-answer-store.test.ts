import { once } from 'node:events';
import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { StoredResponse } from '../../mock-server/core/idempotency.js';
import { parseStoreLocation } from '../../mock-server/core/store/store-location.js';
import { openRedisStore, StoreUnreachable } from '../../mock-server/io/redis/open-redis-store.js';
import { RedisAnswerStore, redisTtls } from '../../mock-server/io/redis/redis-answer-store.js';
import { accountTag } from '../../mock-server/io/redis/redis-keys.js';
import { redisTransactionStore } from '../../mock-server/io/redis/redis-record-store.js';
import {
  NoRedis,
  type RedisCluster,
  type RedisServer,
  redisUnavailable,
  startRedis,
  startRedisCluster,
} from '../support/redis-server.js';

const unavailable = redisUnavailable();

function needsRedis({ skip }: { skip: (note?: string) => void }): void {
  if (unavailable instanceof NoRedis) skip(unavailable.reason);
  if (unavailable instanceof Error) throw unavailable;
}

const TTLS = redisTtls({
  idempotencyWindowMs: 24 * 3_600_000,
  sessionTokenTtlMs: 3_600_000,
  paymentRequestTtlMs: 3 * 3_600_000,
});
/** An account whose id holds every character the hash tag escapes. */
const ODD_ACCOUNT = 'krn:partner:odd}{%7D:account';

/** A body with characters JSON and UTF-8 could each get wrong: the replay must send these exact bytes. */
const BODY = '{"payment_transaction_response":{"result":"APPROVED","note":"Grüße \\u2028 \u{1F600} \\"q\\" \\\\"}}';

function stored(overrides: Partial<StoredResponse> = {}): StoredResponse {
  return {
    status: 200,
    body: BODY,
    result: 'APPROVED',
    fingerprint: 'fp-1',
    rawHash: 'raw-1',
    createdAt: 1_700_000_000_000,
    amount: 1000,
    currency: 'EUR',
    finalAuthorization: false,
    ...overrides,
  };
}

let counter = 0;
/** A fresh idempotency key per test: the tests share one server. */
const freshKey = () => `key-${process.pid}-${++counter}`;

describe.each([
  ['one redis-server', 'single'],
  ['a Redis Cluster of three masters', 'cluster'],
] as const)('the Redis answer store on %s', (_, topology) => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  let store: RedisAnswerStore | undefined;
  let url = '';

  beforeAll(async () => {
    if (unavailable) return;
    if (topology === 'single') {
      server = await startRedis();
      url = `redis://${server.address}/0`;
    } else {
      cluster = await startRedisCluster();
      url = `redis-cluster://${cluster.startupNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    }
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
    store = await openRedisStore(url, location, { ttls: TTLS });
  }, 30_000);
  afterAll(async () => {
    store?.close();
    await server?.stop();
    await cluster?.stop();
  });

  const opened = () => {
    if (!store) throw new Error('beforeAll did not open the store');
    return store;
  };

  it('lets one claim run, tells a second it is held, and answers both after the commit with the same bytes', async () => {
    const answers = opened();
    const key = freshKey();
    const first = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    expect(first).toMatchObject({ kind: 'claimed', answers: { key: undefined, token: undefined } });
    const second = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    expect(second.kind).toBe('held');
    expect(second.kind === 'held' && second.retryInMs).toBeGreaterThan(4_000);
    if (first.kind !== 'claimed') throw new Error('not claimed');
    expect(await answers.commit(first.lease, { keyAnswer: stored() })).toBe('committed');
    const third = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    expect(third).toEqual({ kind: 'stored', answers: { key: stored(), token: undefined } });
    expect(third.kind === 'stored' && Buffer.from(third.answers.key?.body ?? '')).toEqual(Buffer.from(BODY));
  });

  it('keeps one account apart from another, and every key of one account in one slot', async () => {
    const answers = opened();
    const key = freshKey();
    const claim = await answers.claim('krn:partner:a', { key }, { leaseMs: 5_000 });
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await answers.commit(claim.lease, { keyAnswer: stored() });
    expect((await answers.claim('krn:partner:b', { key }, { leaseMs: 5_000 })).kind).toBe('claimed');
    expect(accountTag(ODD_ACCOUNT)).toBe('{krn:partner:odd%7D%7B%257D:account}');
    if (topology === 'cluster') {
      const tag = accountTag(ODD_ACCOUNT);
      const keys = [`km:${tag}:idem:k}{`, `km:${tag}:lease:idem:x`, `km:${tag}:tok:y`, `km:${tag}:issued:z`];
      const slots = await Promise.all(keys.map((name) => (answers.client as Cluster).cluster('KEYSLOT', name)));
      expect(new Set(slots).size).toBe(1);
    }
  });

  it('sets a TTL of the window plus a margin on a stored answer, and the lease on the claim', async () => {
    const answers = opened();
    const key = freshKey();
    const claim = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 7_000 });
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    const tag = accountTag(ODD_ACCOUNT);
    const leaseTtl = await answers.client.pttl(`km:${tag}:lease:idem:${key}`);
    expect(leaseTtl).toBeGreaterThan(6_000);
    expect(leaseTtl).toBeLessThanOrEqual(7_000);
    await answers.commit(claim.lease, { keyAnswer: stored() });
    const ttl = await answers.client.pttl(`km:${tag}:idem:${key}`);
    expect(ttl).toBeGreaterThan(24 * 3_600_000);
    expect(ttl).toBeLessThanOrEqual(24 * 3_600_000 + 60_000);
    expect(await answers.client.exists(`km:${tag}:lease:idem:${key}`)).toBe(0);
  });

  it('refuses a commit whose lease expired and was taken by another claim, writing nothing', async () => {
    const answers = opened();
    const key = freshKey();
    const lost = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 1 });
    if (lost.kind !== 'claimed') throw new Error('not claimed');
    // The lease of 1 ms is gone by the next command; the second claim takes it.
    await answers.client.ping();
    let next = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    while (next.kind === 'held') next = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    if (next.kind !== 'claimed') throw new Error('not claimed');
    expect(await answers.commit(lost.lease, { keyAnswer: stored({ body: '{"late":true}' }) })).toBe('lease-lost');
    expect(await answers.commit(next.lease, { keyAnswer: stored() })).toBe('committed');
    const again = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    expect(again.kind === 'stored' && again.answers.key?.body).toBe(BODY);
  });

  it('writes the transaction an answer names in its commit: not when the lease was lost, nothing when it moved', async () => {
    const answers = opened();
    const transactions = redisTransactionStore<{ version: number; note: string }>(answers.client, {
      maxEntries: 100,
      maxBytes: 1_000_000,
    });
    const prepare = transactions.prepare?.bind(transactions);
    if (prepare === undefined) throw new Error('the Redis transaction store prepares its writes');
    const put = (id: string, note: string) =>
      prepare(
        ODD_ACCOUNT,
        id,
        { version: 0, note },
        { dueAt: 1_700_000_100_000, keepUntil: 1_700_000_200_000, now: 1_700_000_000_000 },
      );
    const claimed = async (key: string, leaseMs = 5_000) => {
      const claim = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs });
      if (claim.kind !== 'claimed') throw new Error('not claimed');
      return claim.lease;
    };
    // Committed: the answer and its transaction, and the transaction is due at its expiry.
    const key = freshKey();
    const id = `trx-${key}`;
    const done = { called: 0 };
    const record = { ...put(id, 'kept'), done: () => (done.called += 1) };
    expect(await answers.commit(await claimed(key), { keyAnswer: stored(), record })).toBe('committed');
    expect(done.called).toBe(1);
    expect(await transactions.get(ODD_ACCOUNT, id)).toEqual({ version: 1, note: 'kept' });
    expect(await transactions.due(ODD_ACCOUNT, 1_700_000_100_000)).toContain(id);
    // A lease lost: neither the answer nor its transaction.
    const lostKey = freshKey();
    const lost = await claimed(lostKey, 1);
    await answers.client.ping();
    let next = await answers.claim(ODD_ACCOUNT, { key: lostKey }, { leaseMs: 5_000 });
    while (next.kind === 'held') next = await answers.claim(ODD_ACCOUNT, { key: lostKey }, { leaseMs: 5_000 });
    const lostId = `trx-${lostKey}`;
    expect(await answers.commit(lost, { keyAnswer: stored(), record: put(lostId, 'lost') })).toBe('lease-lost');
    expect(await transactions.get(ODD_ACCOUNT, lostId)).toBeUndefined();
    // The transaction written meanwhile (its version moved): the commit writes nothing and throws.
    const movedKey = freshKey();
    const lease = await claimed(movedKey);
    await expect(answers.commit(lease, { keyAnswer: stored(), record: put(id, 'over') })).rejects.toThrow(/meanwhile/);
    expect(await transactions.get(ODD_ACCOUNT, id)).toEqual({ version: 1, note: 'kept' });
    const after = await answers.claim(ODD_ACCOUNT, { key: movedKey }, { leaseMs: 5_000 });
    expect(after.kind).toBe('held');
  });

  it('lets a released claim be taken again, and a waiter goes on as soon as it is released', async () => {
    const answers = opened();
    const key = freshKey();
    const first = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 10_000 });
    if (first.kind !== 'claimed') throw new Error('not claimed');
    const started = Date.now();
    const waiting = answers.awaitAnswer(ODD_ACCOUNT, { key }, 10_000);
    await answers.release(first.lease);
    await waiting;
    expect(Date.now() - started).toBeLessThan(2_000);
    expect((await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 })).kind).toBe('claimed');
  });

  it('ends a wait at its bound while the lease is still held', async () => {
    const answers = opened();
    const key = freshKey();
    await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 10_000 });
    const started = Date.now();
    await answers.awaitAnswer(ODD_ACCOUNT, { key }, 100);
    expect(Date.now() - started).toBeGreaterThanOrEqual(99);
    expect((await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 })).kind).toBe('held');
  });

  it('binds a token to its first answer only, and records a key beside a stored token answer with force', async () => {
    const answers = opened();
    const token = `token-${freshKey()}`;
    const first = await answers.claim(ODD_ACCOUNT, { key: freshKey(), token }, { leaseMs: 5_000 });
    if (first.kind !== 'claimed') throw new Error('not claimed');
    await answers.commit(first.lease, { keyAnswer: stored(), tokenAnswer: stored() });
    const key = freshKey();
    const second = await answers.claim(ODD_ACCOUNT, { key, token }, { leaseMs: 5_000 });
    expect(second).toEqual({ kind: 'stored', answers: { key: undefined, token: stored() } });
    const forced = await answers.claim(ODD_ACCOUNT, { key, token }, { leaseMs: 5_000, force: true });
    expect(forced).toMatchObject({ kind: 'claimed', answers: { key: undefined, token: stored() } });
    if (forced.kind !== 'claimed') throw new Error('not claimed');
    const other = stored({ body: '{"other":1}', createdAt: 2 });
    expect(await answers.commit(forced.lease, { keyAnswer: other, tokenAnswer: other })).toBe('committed');
    expect(await answers.tokenAnswer(ODD_ACCOUNT, token)).toEqual(stored());
    const byKey = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    expect(byKey.kind === 'stored' && byKey.answers.key).toEqual(other);
  });

  it('keeps issued session and customer tokens, in a commit or on their own, and forgets them on an account reset', async () => {
    const answers = opened();
    const session = `session-${freshKey()}`;
    const customer = `krn:customer-token:eu1:${freshKey()}`;
    await answers.issueSessionToken(ODD_ACCOUNT, session, { completedAt: 5, amount: 1000, currency: 'EUR' });
    const claim = await answers.claim(ODD_ACCOUNT, { key: freshKey() }, { leaseMs: 5_000 });
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await answers.commit(claim.lease, {
      keyAnswer: stored(),
      sessionToken: { token: session, issued: { completedAt: 5, amount: 1000, currency: 'EUR', usedAt: 9 } },
      customerToken: { customer_token: customer, scopes: ['payment:customer_not_present'] },
    });
    expect(await answers.issuedTokens(ODD_ACCOUNT, { session, customer })).toEqual({
      session: { completedAt: 5, amount: 1000, currency: 'EUR', usedAt: 9 },
      customerScopes: ['payment:customer_not_present'],
    });
    expect(await answers.issuedTokens('krn:partner:other', { session, customer })).toEqual({
      session: undefined,
      customerScopes: undefined,
    });
    await answers.resetAccount(ODD_ACCOUNT);
    expect(await answers.issuedTokens(ODD_ACCOUNT, { session, customer })).toEqual({
      session: undefined,
      customerScopes: undefined,
    });
  });

  it('lets exactly one of many concurrent claims on one key run', async () => {
    const answers = opened();
    const key = freshKey();
    const claims = await Promise.all(
      Array.from({ length: 40 }, () => answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 })),
    );
    expect(claims.filter((claim) => claim.kind === 'claimed')).toHaveLength(1);
    expect(claims.filter((claim) => claim.kind === 'held')).toHaveLength(39);
  });
});

describe('opening the Redis store', () => {
  it('fails with the address and the reason when nothing listens there, with the password hidden', async () => {
    const url = 'redis://user:secret@127.0.0.1:1/0';
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error('bad url');
    const opening = openRedisStore(url, location, { ttls: TTLS });
    await expect(opening).rejects.toBeInstanceOf(StoreUnreachable);
    await expect(opening).rejects.toThrow(
      'the store redis://user:[redacted]@127.0.0.1:1/0 cannot be reached: connect ECONNREFUSED 127.0.0.1:1',
    );
  });
});

describe('the Redis answer store when Redis goes away while serving', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let store: RedisAnswerStore | undefined;
  beforeAll(async () => {
    if (unavailable) return;
    server = await startRedis({ appendOnly: true });
    const url = `redis://${server.address}`;
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
    store = await openRedisStore(url, location, { ttls: TTLS, warn: (message) => connection.push(message) });
  });
  afterAll(async () => {
    store?.close();
    await server?.stop();
  });
  /** What the store said of its connection: nothing at a good start, then once per loss and once per return. */
  const connection: string[] = [];

  it("answers the catalogue's 503 at once while Redis is down, and serves again, with what it kept, once it is back", async () => {
    if (!server || !store) throw new Error('beforeAll did not start');
    const warnings: string[] = [];
    const answers = new RedisAnswerStore(store.client, { ttls: TTLS, onError: (message) => warnings.push(message) });
    const key = freshKey();
    const claim = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await answers.commit(claim.lease, { keyAnswer: stored() });
    await server.kill();
    const started = Date.now();
    const refused = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 }).catch((error: unknown) => error);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(refused).toMatchObject({
      statusCode: 503,
      errorType: 'TECHNICAL_ERROR',
      errorCode: 'TEMPORARY_UNAVAILABLE',
      headers: { 'Retry-After': '1' },
    });
    await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 }).catch(() => undefined);
    expect(warnings).toEqual([expect.stringMatching(/^the Redis store failed \(claim\): /)]);
    await server.restart();
    if (answers.client.status !== 'ready') await once(answers.client, 'ready');
    // A restarted Redis has forgotten the scripts: the client sends them again (NOSCRIPT), and the AOF kept the answer.
    const again = await answers.claim(ODD_ACCOUNT, { key }, { leaseMs: 5_000 });
    expect(again.kind === 'stored' && again.answers.key?.body).toBe(BODY);
    expect(connection).toEqual([
      expect.stringMatching(new RegExp(`^the store redis://${server.address} is unreachable \\(.+\\); reconnecting$`)),
      `the store redis://${server.address} is reachable again`,
    ]);
  });
});

describe('the Redis answer store when a Cluster node goes away while serving', () => {
  beforeEach(needsRedis);
  let cluster: RedisCluster | undefined;
  let store: RedisAnswerStore | undefined;
  beforeAll(async () => {
    if (unavailable) return;
    cluster = await startRedisCluster({ appendOnly: true });
    const url = `redis-cluster://${cluster.startupNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
    store = await openRedisStore(url, location, { ttls: TTLS });
  }, 30_000);
  afterAll(async () => {
    store?.close();
    await cluster?.stop();
  });

  it("answers the catalogue's 503 for the accounts of the node that is down, and serves them again once it is back", async () => {
    if (!cluster || !store) throw new Error('beforeAll did not start');
    const answers = store;
    const victim = cluster.nodes[0];
    if (!victim) throw new Error('no node 0');
    // An account whose slot the victim serves.
    const ranges = await (answers.client as Cluster).cluster('SLOTS');
    let account: string | undefined;
    for (let n = 0; n < 100 && account === undefined; n++) {
      const slot = await (answers.client as Cluster).cluster('KEYSLOT', `km:${accountTag(`krn:partner:p${n}`)}:x`);
      if (ranges.some(([from, to, master]) => master?.[1] === victim.port && slot >= from && slot <= to)) {
        account = `krn:partner:p${n}`;
      }
    }
    if (account === undefined) throw new Error('no account on node 0');
    const key = freshKey();
    const claim = await answers.claim(account, { key }, { leaseMs: 5_000 });
    if (claim.kind !== 'claimed') throw new Error('not claimed');
    await answers.commit(claim.lease, { keyAnswer: stored() });
    await victim.kill();
    const refused = await answers.claim(account, { key }, { leaseMs: 5_000 }).catch((error: unknown) => error);
    expect(refused).toMatchObject({ statusCode: 503, errorCode: 'TEMPORARY_UNAVAILABLE' });
    await victim.restart();
    await cluster.untilOk();
    // untilOk has seen every node serve its slots again; the client reconnects to the node by itself.
    const again = await answers.claim(account, { key }, { leaseMs: 5_000 });
    expect(again).toMatchObject({ kind: 'stored', answers: { key: { body: BODY } } });
  }, 20_000);
});
