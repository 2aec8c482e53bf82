import type { Cluster } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { sharedRecords } from '../../mock-server/app/open-answer-store.js';
import type { SharedRecords } from '../../mock-server/app/services.js';
import { catalogue } from '../../mock-server/core/error-catalogue.js';
import {
  newPaymentRequest,
  type PaymentRequestRecord,
} from '../../mock-server/core/payment-requests/payment-request-record.js';
import { parseStoreLocation } from '../../mock-server/core/store/store-location.js';
import { openRedisStore } from '../../mock-server/io/redis/open-redis-store.js';
import { type RedisAnswerStore, redisTtls } from '../../mock-server/io/redis/redis-answer-store.js';
import { accountTag } from '../../mock-server/io/redis/redis-keys.js';
import { startTopology } from '../support/redis-instances.js';
import { machineRedis, needsRedis } from '../support/redis-server.js';

// The Redis store of payment requests and transactions (mock-server/io/redis/redis-record-store.ts), on one server
// and on a 3-master Cluster: versioned records written by compare-and-set, due times, TTLs, caps, accounts apart.

const HOUR = 3_600_000;
const TTLS = redisTtls({ idempotencyWindowMs: 24 * HOUR, sessionTokenTtlMs: HOUR, paymentRequestTtlMs: 3 * HOUR });
/** An account whose id holds every character the hash tag escapes. */
const ODD_ACCOUNT = 'krn:partner:odd}{%7D:account';
const NOW = 1_700_000_000_000;

let counter = 0;
/** A new SUBMITTED payment request with a fresh uuid (the tests share one server), expiring in 3 hours. */
function request(account = ODD_ACCOUNT): PaymentRequestRecord {
  counter += 1;
  const fields = {
    reference: `ref-${counter}`,
    amount: 1000,
    currency: 'EUR',
    interaction: undefined,
    purchaseData: undefined,
    requestCustomerToken: undefined,
  };
  const ctx = { now: NOW, uuid: `uuid-${process.pid}-${counter}`, region: 'eu1', ttlMs: 3 * HOUR, publicUrl: 'x' };
  return newPaymentRequest(account, fields, ctx);
}

/** Written as PaymentRequests writes it: due at its expiry while open, kept 25 hours. */
const options = (record: PaymentRequestRecord) => ({
  dueAt: record.state === 'SUBMITTED' ? record.stateExpiresAt : undefined,
  keepUntil: record.createdAt + 25 * HOUR,
  now: NOW,
});

describe.each([
  ['one redis-server', 'single'],
  ['a Redis Cluster of three masters', 'cluster'],
] as const)('the Redis record store on %s', (_, topology) => {
  beforeEach(needsRedis);
  let stop = async () => {};
  /** Two connections, as two instances would have. */
  const opened: { answers: RedisAnswerStore; records: SharedRecords }[] = [];
  const config = { maxStoredResponses: 1_000, storeMaxBytes: 1024 * 1024 };

  let url = '';

  beforeAll(async () => {
    if (machineRedis()) return;
    const redis = await startTopology(topology);
    ({ url, stop } = redis);
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
    for (let i = 0; i < 2; i++) {
      const answers = await openRedisStore(url, location, { ttls: TTLS });
      const records = sharedRecords(answers, config, () => {});
      if (!records) throw new Error('no shared records over a Redis answer store');
      opened.push({ answers, records });
    }
  }, 30_000);
  afterAll(async () => {
    for (const { answers } of opened) answers.close();
    await stop();
  });

  const at = (index: number) => {
    const found = opened[index];
    if (!found) throw new Error('beforeAll did not open the stores');
    return found;
  };

  it('creates a record at version 1, reads it back on another connection, and finds its account by its id', async () => {
    const record = request();
    const written = await at(0).records.paymentRequests.put(ODD_ACCOUNT, record.uuid, record, options(record));
    expect(written).toEqual({ ...record, version: 1 });
    expect(await at(1).records.paymentRequests.get(ODD_ACCOUNT, record.uuid)).toEqual(written);
    expect(await at(1).records.paymentRequests.accountOf(record.uuid)).toBe(ODD_ACCOUNT);
    expect(await at(1).records.paymentRequests.accountOf('no-such-uuid')).toBeUndefined();
    // A second creation under the uuid is refused: the version read (0) is not the stored one.
    expect(await at(1).records.paymentRequests.put(ODD_ACCOUNT, record.uuid, record, options(record))).toBeUndefined();
  });

  it('lets exactly one of many concurrent writes over one version win, on either connection', async () => {
    const record = request();
    const created = await at(0).records.paymentRequests.put(ODD_ACCOUNT, record.uuid, record, options(record));
    if (!created) throw new Error('not created');
    const states = ['COMPLETED', 'DECLINED', 'CANCELED', 'IN_PROGRESS'] as const;
    const writes = await Promise.all(
      Array.from({ length: 20 }, (_, i) => {
        const next = { ...created, state: states[i % states.length] ?? 'COMPLETED', updatedAt: NOW + i };
        return at(i % 2).records.paymentRequests.put(ODD_ACCOUNT, record.uuid, next, options(next));
      }),
    );
    const won = writes.filter((written) => written !== undefined);
    expect(won).toHaveLength(1);
    expect(await at(1).records.paymentRequests.get(ODD_ACCOUNT, record.uuid)).toEqual({ ...won[0], version: 2 });
  });

  it("sets TTLs from the record's window plus an hour on the record, its indexes and its owner key", async () => {
    const record = request();
    await at(0).records.paymentRequests.put(ODD_ACCOUNT, record.uuid, record, options(record));
    const tag = accountTag(ODD_ACCOUNT);
    const client = at(0).answers.client;
    for (const key of [
      `km:${tag}:prq:${record.uuid}`,
      `km:${tag}:prq-due`,
      `km:${tag}:prq-order`,
      `km:${tag}:prq-meta`,
    ]) {
      const ttl = await client.pttl(key);
      expect(ttl, key).toBeGreaterThan(26 * HOUR - 60_000);
      expect(ttl, key).toBeLessThanOrEqual(26 * HOUR);
    }
    expect(await client.pttl(`km:owner:prq:${record.uuid}`)).toBeGreaterThan(26 * HOUR - 60_000);
    if (topology === 'cluster') {
      const keys = [`km:${tag}:prq:${record.uuid}`, `km:${tag}:prq-due`, `km:${tag}:idem:k`, `km:${tag}:trx-meta`];
      const slots = await Promise.all(keys.map((name) => (client as Cluster).cluster('KEYSLOT', name)));
      expect(new Set(slots).size).toBe(1);
    }
  });

  it("extends the indexes' TTLs for a record kept longer, and never shortens them", async () => {
    const account = `krn:partner:ttl-${topology}:account`;
    const tag = accountTag(account);
    const client = at(0).answers.client;
    const indexes = [`km:${tag}:prq-due`, `km:${tag}:prq-order`, `km:${tag}:prq-meta`];
    const put = (hours: number) => {
      const record = request(account);
      const kept = { ...options(record), keepUntil: NOW + hours * HOUR };
      return at(0).records.paymentRequests.put(account, record.uuid, record, kept);
    };
    const expectTtls = async (hours: number) => {
      for (const key of indexes) {
        const ttl = await client.pttl(key);
        expect(ttl, key).toBeGreaterThan(hours * HOUR - 60_000);
        expect(ttl, key).toBeLessThanOrEqual(hours * HOUR);
      }
    };
    // The window plus an hour: 26 hours, then a record kept 5 hours leaves them, one kept 50 hours extends them.
    await put(25);
    await expectTtls(26);
    await put(5);
    await expectTtls(26);
    await put(50);
    await expectTtls(51);
  });

  it('lists the records due by a time, and drops a record from them once written final', async () => {
    const account = `krn:partner:due-${topology}`;
    const soon = { ...request(account), stateExpiresAt: NOW + 1_000 };
    const later = request(account);
    const { paymentRequests } = at(0).records;
    const written = await paymentRequests.put(account, soon.uuid, soon, options(soon));
    await paymentRequests.put(account, later.uuid, later, options(later));
    expect(await at(1).records.paymentRequests.due(account, NOW + 1_000)).toEqual([soon.uuid]);
    expect((await at(1).records.paymentRequests.due(account, NOW + 3 * HOUR)).sort()).toEqual(
      [soon.uuid, later.uuid].sort(),
    );
    expect(paymentRequests.dueAccounts()).toContain(account);
    if (!written) throw new Error('not written');
    const expired = { ...written, state: 'EXPIRED' as const };
    await paymentRequests.put(account, soon.uuid, expired, options(expired));
    expect(await paymentRequests.due(account, NOW + 3 * HOUR)).toEqual([later.uuid]);
  });

  it('keeps accounts apart: one uuid on two accounts is two records, and a reset forgets only its own', async () => {
    const a = request('krn:partner:a');
    const b = { ...a, account: 'krn:partner:ab', reference: 'other' };
    const { paymentRequests, transactions } = at(0).records;
    await paymentRequests.put(a.account, a.uuid, a, options(a));
    await paymentRequests.put(b.account, b.uuid, b, options(b));
    expect((await paymentRequests.get(a.account, a.uuid))?.reference).toBe(a.reference);
    expect((await paymentRequests.get(b.account, b.uuid))?.reference).toBe('other');
    expect(await paymentRequests.get('krn:partner:c', a.uuid)).toBeUndefined();
    await paymentRequests.resetAccount(a.account);
    await transactions.resetAccount(a.account);
    expect(await at(1).records.paymentRequests.get(a.account, a.uuid)).toBeUndefined();
    expect(await at(1).records.paymentRequests.due(a.account, NOW + 3 * HOUR)).toEqual([]);
    expect((await at(1).records.paymentRequests.get(b.account, b.uuid))?.reference).toBe('other');
  });

  it("lets an account's oldest records go beyond the entry cap, with their due times", async () => {
    const account = `krn:partner:capped-${topology}`;
    const answers = at(0).answers;
    const capped = sharedRecords(answers, { maxStoredResponses: 3, storeMaxBytes: 1024 * 1024 }, () => {});
    if (!capped) throw new Error('no shared records');
    const records = [request(account), request(account), request(account), request(account)];
    for (const record of records) await capped.paymentRequests.put(account, record.uuid, record, options(record));
    const kept = await Promise.all(records.map((record) => capped.paymentRequests.get(account, record.uuid)));
    expect(kept.map((record) => record !== undefined)).toEqual([false, true, true, true]);
    expect(await capped.paymentRequests.due(account, NOW + 3 * HOUR)).not.toContain(records[0]?.uuid);
  });

  it("lets an account's oldest records go beyond the byte cap", async () => {
    const account = `krn:partner:bytes-${topology}`;
    const records = [request(account), request(account), request(account), request(account)];
    // Three records' JSON fit, four do not.
    const bytes = JSON.stringify({ ...records[0], version: 1 }).length;
    const capped = sharedRecords(at(0).answers, { maxStoredResponses: 1_000, storeMaxBytes: 3 * bytes + 10 }, () => {});
    if (!capped) throw new Error('no shared records');
    for (const record of records) await capped.paymentRequests.put(account, record.uuid, record, options(record));
    const kept = await Promise.all(records.map((record) => capped.paymentRequests.get(account, record.uuid)));
    expect(kept.map((record) => record !== undefined)).toEqual([false, true, true, true]);
  });

  it("answers the catalogue's 503 when Redis cannot be asked", async () => {
    const location = parseStoreLocation(url);
    if ('error' in location || location.kind === 'memory') throw new Error(`bad url ${url}`);
    const answers = await openRedisStore(url, location, { ttls: TTLS });
    const records = sharedRecords(answers, config, () => {});
    answers.close();
    await expect(records?.paymentRequests.get(ODD_ACCOUNT, 'x')).rejects.toEqual(catalogue.storeUnavailable());
  });
});
