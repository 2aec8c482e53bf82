import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';
import { Journal, type JournalLimits } from '../../mock-server/core/journal/journal.js';
import { type JournalRecord, MAX_RECORD_BYTES } from '../../mock-server/core/journal/journal-record.js';
import type { RecordNote } from '../../mock-server/core/journal/journal-store.js';
import { parseStoreLocation } from '../../mock-server/core/store/store-location.js';
import { openRedisStore } from '../../mock-server/io/redis/open-redis-store.js';
import { type RedisAnswerStore, redisTtls } from '../../mock-server/io/redis/redis-answer-store.js';
import { RedisJournal } from '../../mock-server/io/redis/redis-journal.js';
import { journalChannel, journalIndexKey, journalKeys } from '../../mock-server/io/redis/redis-keys.js';
import { journalRecord } from '../support/journal-record.js';
import {
  machineRedis,
  needsRedis,
  type RedisCluster,
  type RedisServer,
  startRedis,
  startRedisCluster,
} from '../support/redis-server.js';

// The request journal in Redis (io/redis/redis-journal.ts) against real redis-servers: what it keeps, in which
// order, within which bounds, and that it reads back what the memory journal shows of the same records.

const TTLS = redisTtls({ idempotencyWindowMs: 60_000, sessionTokenTtlMs: 60_000, paymentRequestTtlMs: 60_000 });
const HOUR = 3_600_000;
/** An account whose id holds every character the hash tag escapes. */
const ODD_ACCOUNT = 'krn:partner:odd}{%7D:account';

let tests = 0;
/** A namespace per test: the tests share one server, and each reads only its own keys. */
const freshNamespace = () => `kmj${++tests}:`;

function limits(overrides: Partial<JournalLimits> = {}): JournalLimits {
  return { perAccount: 100, accounts: 100, maxAgeMs: HOUR, maxBytes: 1e9, now: () => 1_000, ...overrides };
}

let seq = 0;
/** A valid authorize record with a body, a key and a finding or two. */
function authorize(account: string, id: string, fields: Partial<JournalRecord> = {}): JournalRecord {
  const bodyText = JSON.stringify({ currency: 'EUR', request_payment_transaction: { amount: 100 } });
  return journalRecord({
    seq: ++seq,
    id,
    account,
    time: 1_000,
    headers: { authorization: 'Basic secret', 'klarna-idempotency-key': `key-${id}`, 'user-agent': 'test' },
    bodyText,
    bodyLength: bodyText.length,
    result: 'APPROVED',
    idempotencyKey: `key-${id}`,
    valid: true,
    durationMs: 1.5,
    ...fields,
  });
}

describe.each([
  ['one redis-server', 'single'],
  ['a Redis Cluster of three masters', 'cluster'],
] as const)('the Redis journal on %s', (_, topology) => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let cluster: RedisCluster | undefined;
  let stores: RedisAnswerStore[] = [];

  /** A connection of its own, as another instance has. */
  const connect = async () => {
    const url =
      topology === 'single'
        ? `redis://${server?.address}/0`
        : `redis-cluster://${cluster?.startupNodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
    const store = await openRedisStore(url, location, { ttls: TTLS });
    stores.push(store);
    return store.client;
  };

  const journalOn = async (namespace: string, overrides: Partial<JournalLimits> = {}, warn = (_: string) => {}) =>
    new RedisJournal(await connect(), { limits: limits(overrides), namespace, warn });

  beforeAll(async () => {
    if (machineRedis()) return;
    if (topology === 'single') server = await startRedis();
    else cluster = await startRedisCluster();
  }, 30_000);
  afterAll(async () => {
    for (const store of stores) store.close();
    stores = [];
    await server?.stop();
    await cluster?.stop();
  });

  it('reads back what the memory journal shows of the same records: entries, findings and the report', async () => {
    const namespace = freshNamespace();
    const redis = await journalOn(namespace);
    const memory = new Journal(limits());
    const records = () => [
      authorize('A', 'a1', { headers: { authorization: 'Basic s', 'x-note': 'Grüße \u2028 😀 "q"' } }),
      // A failure, then its retry under a new key: the retry's finding names the first.
      authorize('A', 'a2', { status: 500, result: undefined, idempotencyKey: 'k-1' }),
      authorize('A', 'a3', { idempotencyKey: 'k-2' }),
      authorize('A', 'a4', {
        valid: false,
        status: 400,
        result: undefined,
        clientError: {
          code: 'VALIDATION_ERROR',
          message: 'bad',
          validationErrors: [{ parameter: 'currency', reason: 'missing' }],
        },
        unknownFields: ['extra'],
      }),
      authorize('A', 'a5', { fault: 'reset', status: undefined, replayed: true, scenario: 'flaky' }),
    ];
    for (const record of records()) await redis.record(record);
    for (const record of records()) memory.record(record);
    expect(await redis.entries('A')).toEqual(memory.entries('A'));
    expect(await redis.report('A')).toEqual(memory.report('A'));
    expect(await redis.page('A', { limit: 2, offset: 1 })).toEqual(memory.page('A', { limit: 2, offset: 1 }));
    expect((await redis.report('A')).findings.map((f) => f.code)).toContain('retry_with_new_key');
  });

  it('keeps one stream per account in its hash tag, its records numbered from 1 in the order they reached Redis', async () => {
    const namespace = freshNamespace();
    const [first, second] = [await journalOn(namespace), await journalOn(namespace)];
    // Two instances, alternating: one journal, in the order the writes arrived.
    for (let i = 1; i <= 6; i++) await (i % 2 === 1 ? first : second).record(authorize(ODD_ACCOUNT, `r${i}`));
    const ids = ['r1', 'r2', 'r3', 'r4', 'r5', 'r6'];
    expect((await first.entries(ODD_ACCOUNT)).map((e) => e.id)).toEqual(ids);
    expect((await second.entries(ODD_ACCOUNT)).map((e) => e.id)).toEqual(ids);
    const client = await connect();
    const key = journalKeys(namespace, ODD_ACCOUNT).stream;
    expect(key).toBe(`${namespace}journal:{krn:partner:odd%7D%7B%257D:account}`);
    const stored = await client.xrange(key, '-', '+');
    expect(stored.map(([, fields]) => fields[5])).toEqual(['1', '2', '3', '4', '5', '6']);
    expect(stored.map(([, fields]) => fields[6])).toEqual(['t', 't', 't', 't', 't', 't']);
  });

  it('keeps at most journalSize records per account, the oldest going first', async () => {
    const namespace = freshNamespace();
    const journal = await journalOn(namespace, { perAccount: 3 });
    for (let i = 1; i <= 5; i++) await journal.record(authorize('A', `m${i}`));
    expect((await journal.entries('A')).map((e) => e.id)).toEqual(['m3', 'm4', 'm5']);
    const client = await connect();
    expect(await client.xlen(journalKeys(namespace, 'A').stream)).toBe(3);
  });

  it('keeps at most journalMaxBytes per account (the newest record always stays) and caps one record', async () => {
    const namespace = freshNamespace();
    const journal = await journalOn(namespace, { maxBytes: 4_000 });
    const body = (n: number) => JSON.stringify({ currency: 'EUR', note: 'x'.repeat(n) });
    for (let i = 1; i <= 6; i++) {
      const text = body(1_000);
      await journal.record(authorize('A', `b${i}`, { bodyText: text, bodyLength: text.length }));
    }
    const client = await connect();
    const keys = journalKeys(namespace, 'A');
    const kept = await client.xrange(keys.stream, '-', '+');
    const sizes = kept.map(([, fields]) => Number(fields[3]));
    const bytes = Number(await client.hget(keys.meta, 'bytes'));
    expect(bytes).toBe(sizes.reduce((sum, size) => sum + size, 0));
    expect(bytes).toBeLessThanOrEqual(4_000);
    expect((await journal.entries('A')).map((e) => e.id)).toEqual(kept.map((_entry, i) => `b${7 - kept.length + i}`));
    expect(kept.length).toBeGreaterThan(1);
    // One record larger than the cap on its own stays, alone.
    const large = body(3_900);
    await journal.record(authorize('A', 'large', { bodyText: large, bodyLength: large.length }));
    expect((await journal.entries('A')).map((e) => e.id)).toEqual(['large']);
    // Past MAX_RECORD_BYTES a record keeps no body (shown truncated, as past 16 KB), then no headers.
    const headers = (count: number) =>
      Object.fromEntries(Array.from({ length: count }, (_, i) => [`x-big-${i}`, 'y'.repeat(5_000)]));
    const bodyText = body(15_000);
    const roomy = await journalOn(namespace);
    await roomy.record(authorize('H', 'h1', { bodyText, bodyLength: bodyText.length, headers: headers(4) }));
    await roomy.record(authorize('H', 'h2', { bodyText, bodyLength: bodyText.length, headers: headers(7) }));
    const stored = await client.xrange(journalKeys(namespace, 'H').stream, '-', '+');
    expect(stored).toHaveLength(2);
    for (const [, fields] of stored) expect(Number(fields[3])).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    const [h1, h2] = await roomy.entries('H');
    expect(h1?.body).toEqual({ truncated: true, characters: bodyText.length });
    expect(Object.keys(h1?.headers ?? {})).toEqual(['x-big-0', 'x-big-1', 'x-big-2', 'x-big-3']);
    expect(h2?.body).toEqual({ truncated: true, characters: bodyText.length });
    expect(h2?.headers).toEqual({});
  });

  it('trims by count alone while journalSize records of the largest size fit journalMaxBytes, and counts bytes again from the records when they do not', async () => {
    const namespace = freshNamespace();
    const client = await connect();
    const keys = journalKeys(namespace, 'A');
    const sizes = async () => (await client.xrange(keys.stream, '-', '+')).map(([, fields]) => Number(fields[3]));
    const text = JSON.stringify({ currency: 'EUR', note: 'x'.repeat(1_000) });
    // 5 × 32 KB fit in 1 GB: the stream is trimmed to 5, and no count of bytes is kept.
    const roomy = await journalOn(namespace, { perAccount: 5 });
    for (let i = 1; i <= 7; i++) await roomy.record(authorize('A', `f${i}`, { bodyText: text }));
    expect((await roomy.entries('A')).map((e) => e.id)).toEqual(['f3', 'f4', 'f5', 'f6', 'f7']);
    expect(await client.hget(keys.meta, 'bytes')).toBeNull();
    // An instance whose journalMaxBytes the count does not bound counts the kept records' bytes, then keeps the cap.
    const tight = await journalOn(namespace, { perAccount: 5, maxBytes: 4_000 });
    await tight.record(authorize('A', 't1', { bodyText: text }));
    const kept = await sizes();
    expect(Number(await client.hget(keys.meta, 'bytes'))).toBe(kept.reduce((sum, size) => sum + size, 0));
    expect(kept.reduce((sum, size) => sum + size, 0)).toBeLessThanOrEqual(4_000);
    expect((await tight.entries('A')).map((e) => e.id)).toEqual(['f6', 'f7', 't1']);
    // Written by count alone again (not counted), the count of bytes is made again from the records.
    await roomy.record(authorize('A', 'f8', { bodyText: text }));
    await client.hset(keys.meta, 'bytes', 1);
    await tight.record(authorize('A', 't2', { bodyText: text }));
    expect(Number(await client.hget(keys.meta, 'bytes'))).toBe((await sizes()).reduce((sum, size) => sum + size, 0));
    expect((await tight.entries('A')).map((e) => e.id)).toEqual(['t1', 'f8', 't2']);
  });

  it('reads every account up to journalMaxBytes, the most recently written accounts first', async () => {
    const namespace = freshNamespace();
    const journal = await journalOn(namespace, { maxBytes: 4_000 });
    const text = JSON.stringify({ currency: 'EUR', note: 'x'.repeat(900) });
    for (const account of ['A', 'B', 'C']) {
      for (const n of [1, 2]) await journal.record(authorize(account, `${account}${n}`, { bodyText: text }));
    }
    // Each account holds about 2.4 KB: C, then B, make the 4 KB; A is left out of a read of every account.
    expect((await journal.entries()).map((e) => e.id)).toEqual(['B1', 'B2', 'C1', 'C2']);
    expect((await journal.report()).requests).toBe(4);
    expect((await journal.entries('A')).map((e) => e.id)).toEqual(['A1', 'A2']);
  });

  it('sets every journal key a TTL of journalMaxAgeMs plus a minute, refreshed on each write, and drops records past the age on the account clock', async () => {
    const namespace = freshNamespace();
    let now = 1_000;
    const journal = await journalOn(namespace, { maxAgeMs: HOUR, now: () => now });
    await journal.record(authorize('A', 't1', { time: 1_000 }));
    const client = await connect();
    const keys = journalKeys(namespace, 'A');
    for (const key of [keys.stream, keys.meta, journalIndexKey(namespace)]) {
      const ttl = await client.pttl(key);
      expect(ttl).toBeGreaterThan(HOUR);
      expect(ttl).toBeLessThanOrEqual(HOUR + 60_000);
    }
    await client.pexpire(keys.stream, 5_000);
    await journal.record(authorize('A', 't2', { time: 2_000 }));
    expect(await client.pttl(keys.stream)).toBeGreaterThan(HOUR);
    now = 1_000 + HOUR + 500;
    expect((await journal.entries('A')).map((e) => e.id)).toEqual(['t2']);
  });

  it("keeps accounts apart, lists them the most recently written first, and a reset forgets one account's journal only", async () => {
    const namespace = freshNamespace();
    const [first, second] = [await journalOn(namespace), await journalOn(namespace)];
    await first.record(authorize('A', 'a1'));
    await second.record(authorize('B', 'b1'));
    await first.record(authorize(ODD_ACCOUNT, 'o1'));
    expect((await second.entries('A')).map((e) => e.id)).toEqual(['a1']);
    expect((await first.entries('B')).map((e) => e.id)).toEqual(['b1']);
    expect((await second.entries()).map((e) => e.id)).toEqual(['a1', 'b1', 'o1']);
    expect(await second.accounts()).toEqual([ODD_ACCOUNT, 'B', 'A']);
    expect(await second.accounts(2)).toEqual([ODD_ACCOUNT, 'B']);

    await second.reset('A');
    expect(await first.entries('A')).toEqual([]);
    expect((await first.entries()).map((e) => e.id)).toEqual(['b1', 'o1']);
    expect(await first.accounts()).toEqual([ODD_ACCOUNT, 'B']);
    const client = await connect();
    const keys = journalKeys(namespace, 'A');
    expect(await client.exists(keys.stream, keys.meta)).toBe(0);
    // Written again (by the instance that wrote it last a moment ago): numbered from 1, and listed again.
    await first.record(authorize('A', 'a2'));
    expect(await first.accounts()).toEqual(['A', ODD_ACCOUNT, 'B']);
    const [[, fields] = ['', []]] = await client.xrange(keys.stream, '-', '+');
    expect(fields[5]).toBe('1');
  });

  it('keeps at most journalAccounts accounts, the least recently written going first, and says so once', async () => {
    const namespace = freshNamespace();
    const warnings: string[] = [];
    const journal = await journalOn(namespace, { accounts: 2 }, (message) => warnings.push(message));
    for (const account of ['A', 'B', 'C', 'D']) await journal.record(authorize(account, `${account}1`));
    expect(await journal.accounts()).toEqual(['D', 'C']);
    expect((await journal.entries()).map((e) => e.id)).toEqual(['C1', 'D1']);
    const client = await connect();
    expect(await client.exists(journalKeys(namespace, 'A').stream)).toBe(0);
    expect(await client.exists(journalKeys(namespace, 'B').stream)).toBe(0);
    expect(warnings).toEqual([expect.stringContaining('more than 2 accounts (journalAccounts)')]);
  });

  it("announces every instance's records to every listener, in order", async () => {
    const namespace = freshNamespace();
    const [listening, writing] = [await journalOn(namespace), await journalOn(namespace)];
    const heard: RecordNote[] = [];
    const stop = listening.onRecord((note) => heard.push(note));
    const client = await connect();
    const channel = journalChannel(namespace);
    await expect
      .poll(async () => {
        const numsub = (await client.call('PUBSUB', 'NUMSUB', channel)) as [string, number];
        return Number(numsub[1]);
      })
      .toBeGreaterThan(0);
    await writing.record(authorize('A', 'n1'));
    await listening.record(authorize('B', 'n2'));
    await expect
      .poll(() => heard.map((note) => [note.account, note.id, note.seq]))
      .toEqual([
        ['A', 'n1', 1],
        ['B', 'n2', 1],
      ]);
    stop();
    await listening.close();
  });
});

describe('the Redis journal when Redis is away', () => {
  beforeEach(needsRedis);
  let server: RedisServer | undefined;
  let store: RedisAnswerStore | undefined;
  beforeAll(async () => {
    if (machineRedis()) return;
    server = await startRedis();
    const url = `redis://${server.address}/0`;
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
    store = await openRedisStore(url, location, { ttls: TTLS });
  });
  afterAll(async () => {
    store?.close();
    await server?.stop();
  });

  it('counts and warns of a lost record once per outage (the write never rejects), and answers reads with the 503', async () => {
    if (!store || !server) throw new Error('no store');
    const warnings: string[] = [];
    const journal = new RedisJournal(store.client, { limits: limits(), warn: (message) => warnings.push(message) });
    await journal.record(authorize('A', 'before'));
    await server.kill();
    await journal.record(authorize('A', 'lost-1'));
    await journal.record(authorize('A', 'lost-2'));
    expect(journal.lost).toBe(2);
    expect(warnings).toEqual([expect.stringContaining('the request journal could not write to Redis')]);
    const read = journal.entries('A').catch((error: unknown) => error);
    const refused = await read;
    expect(refused).toBeInstanceOf(KlarnaHttpError);
    expect(refused).toMatchObject({ statusCode: 503, errorCode: 'TEMPORARY_UNAVAILABLE' });
    await expect(journal.reset('A')).rejects.toMatchObject({ statusCode: 503 });

    await server.restart();
    const client = store.client;
    if (client.status !== 'ready') await new Promise((resolve) => client.once('ready', resolve));
    await journal.record(authorize('A', 'after'));
    expect(warnings.at(-1)).toContain('writes to Redis again (2 records lost so far)');
    // Without persistence the restarted server kept nothing: what it has now is the one record written since.
    expect((await journal.entries('A')).map((e) => e.id)).toEqual(['after']);
  });
});
