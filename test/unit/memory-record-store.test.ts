import { describe, expect, it } from 'vitest';
import {
  newPaymentRequest,
  type PaymentRequestRecord,
} from '../../mock-server/core/payment-requests/payment-request-record.js';
import { memoryPaymentRequestStore, memoryTransactionStore } from '../../mock-server/core/store/memory-record-store.js';
import { Store } from '../../mock-server/core/store/store.js';
import { newTransactionRecord } from '../../mock-server/core/transactions/transaction-record.js';

// The memory record store (the default): the compare-and-set and the due times the Redis store has, at once.

const HOUR = 3_600_000;

function request(uuid: string, account = 'krn:partner:a'): PaymentRequestRecord {
  const fields = {
    reference: undefined,
    amount: 1000,
    currency: 'EUR',
    interaction: undefined,
    purchaseData: undefined,
    requestCustomerToken: undefined,
  };
  return newPaymentRequest(account, fields, { now: 0, uuid, region: 'eu1', ttlMs: 3 * HOUR, publicUrl: 'x' });
}

const open = (record: PaymentRequestRecord) => ({ dueAt: record.stateExpiresAt, keepUntil: 0, now: 0 });

describe('the memory record store', () => {
  it('writes over the version read only, answering at once', () => {
    const records = memoryPaymentRequestStore(new Store(10));
    const record = request('u1');
    const written = records.put(record.account, 'u1', record, open(record));
    expect(written).toEqual({ ...record, version: 1 });
    expect(records.put(record.account, 'u1', record, open(record))).toBeUndefined();
    if (written === undefined || written instanceof Promise) throw new Error('not written at once');
    expect(records.put(record.account, 'u1', { ...written, state: 'COMPLETED' }, open(record))).toMatchObject({
      state: 'COMPLETED',
      version: 2,
    });
    expect(records.put(record.account, 'u1', { ...written, state: 'DECLINED' }, open(record))).toBeUndefined();
    expect(records.get(record.account, 'u1')).toMatchObject({ state: 'COMPLETED', version: 2 });
    expect(records.accountOf('u1')).toBe('krn:partner:a');
  });

  it('lists what is due by a time per account, forgets a record written final, and an account reset', () => {
    const records = memoryPaymentRequestStore(new Store(10));
    const [first, second, other] = [request('u1'), request('u2'), request('u3', 'krn:partner:b')];
    records.put(first.account, 'u1', first, open(first));
    records.put(second.account, 'u2', { ...second, stateExpiresAt: 5 * HOUR }, { ...open(second), dueAt: 5 * HOUR });
    records.put(other.account, 'u3', other, open(other));
    expect([records.due('krn:partner:a', 3 * HOUR), records.dueAccounts()]).toEqual([
      ['u1'],
      ['krn:partner:a', 'krn:partner:b'],
    ]);
    records.put(first.account, 'u1', { ...first, version: 1, state: 'EXPIRED' }, { ...open(first), dueAt: undefined });
    expect(records.due('krn:partner:a', 5 * HOUR)).toEqual(['u2']);
    records.resetAccount('krn:partner:a');
    expect([records.due('krn:partner:a', 5 * HOUR), records.dueAccounts()]).toEqual([[], ['krn:partner:b']]);
  });

  it('forgets the due time of a record the store let go for room, at once', () => {
    const records = memoryPaymentRequestStore(new Store(1));
    const [first, second] = [request('u1'), request('u2', 'krn:partner:b')];
    records.put(first.account, 'u1', first, open(first));
    expect(records.dueAccounts()).toEqual(['krn:partner:a']);
    records.put(second.account, 'u2', second, open(second));
    expect(records.get(first.account, 'u1')).toBeUndefined();
    expect(records.dueAccounts()).toEqual(['krn:partner:b']);
    expect(records.due('krn:partner:b', 3 * HOUR)).toEqual(['u2']);
  });

  it('forgets the due time of a transaction the byte cap let go, at once', () => {
    // 640 bytes a transaction with no purchase data (recordBytes), its key besides: two fit under 1,500, not three.
    const records = memoryTransactionStore(new Store(100, undefined, { maxBytes: 1500 }));
    const transaction = (uuid: string, account: string) =>
      newTransactionRecord({
        account,
        transaction: { payment_transaction_id: `krn:payment:eu1:transaction:${uuid}`, amount: 1000, currency: 'EUR' },
        now: 0,
        expiresAt: HOUR,
        purchaseData: undefined,
      });
    const put = (uuid: string, account: string) =>
      records.put(account, uuid, transaction(uuid, account), { dueAt: HOUR, keepUntil: 0, now: 0 });
    put('t1', 'krn:partner:a');
    put('t2', 'krn:partner:b');
    expect(records.dueAccounts()).toEqual(['krn:partner:a', 'krn:partner:b']);
    put('t3', 'krn:partner:c');
    expect(records.get('krn:partner:a', 't1')).toBeUndefined();
    expect(records.dueAccounts()).toEqual(['krn:partner:b', 'krn:partner:c']);
    expect([records.due('krn:partner:b', HOUR), records.due('krn:partner:c', HOUR)]).toEqual([['t2'], ['t3']]);
  });
});
