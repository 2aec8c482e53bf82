import { describe, expect, it } from 'vitest';
import { KlarnaHttpError } from '../../mock-server/core/error-catalogue.js';
import { purchaseSummary } from '../../mock-server/core/payment-requests/kept-purchase-data.js';
import {
  capture,
  KEPT_DATA_CHARS,
  LIMITS,
  type Outcome,
  reauthorize,
  refund,
  update,
  voidTransaction,
} from '../../mock-server/core/transactions/lifecycle.js';
import {
  capturedOf,
  newTransactionRecord,
  recordBytes,
  refundedOf,
  remainingOf,
  type TransactionRecord,
  transactionState,
} from '../../mock-server/core/transactions/transaction-record.js';

const DAY = 24 * 60 * 60 * 1000;
const EXPIRES = 28 * DAY;
const GRACE_END = EXPIRES + 7 * DAY;
const fresh = (amount = 1000) =>
  newTransactionRecord({
    account: 'a',
    transaction: { payment_transaction_id: 'krn:payment:eu1:transaction:t1', amount, currency: 'EUR' },
    now: 0,
    expiresAt: EXPIRES,
    purchaseData: undefined,
  });

type Step = (record: TransactionRecord) => Outcome;
const cap =
  (amount: number, now = 0, release = false): Step =>
  (r) =>
    capture(r, { amount, release }, now);
const refundTx =
  (amount: number, now = 0): Step =>
  (r) =>
    refund(r, { amount }, now);
const refundCap =
  (n: number, amount: number, now = 0): Step =>
  (r) =>
    refund(r, { amount, capture: n }, now);
const voided =
  (now = 0): Step =>
  (r) =>
    voidTransaction(r, now);
const reauth =
  (days: number | undefined, now = 0, amount?: number): Step =>
  (r) =>
    reauthorize(r, { extensionDays: days, amount }, now);
const patch =
  (reference: string, now = 0): Step =>
  (r) =>
    update(r, { reference }, now);

/** Applies the steps; every step but the last must succeed. */
function run(steps: Step[], start = fresh()): Outcome {
  let outcome: Outcome = { ok: true, record: start };
  for (const [i, step] of steps.entries()) {
    if (!outcome.ok) throw new Error(`step ${i} refused: ${outcome.error.message}`);
    outcome = step(outcome.record);
  }
  return outcome;
}

const ok = (outcome: Outcome) => {
  if (!outcome.ok) throw new Error(outcome.error.message);
  return outcome.record;
};
const refused = (outcome: Outcome) => {
  if (outcome.ok) throw new Error('not refused');
  return outcome.error;
};

describe('the payment transaction lifecycle, rule by rule', () => {
  it.each<[string, Step[], number, { state: string; captured?: number; refunded?: number; remaining?: number }]>([
    [
      'a partial capture leaves the rest capturable',
      [cap(400)],
      0,
      { state: 'AUTHORIZED', captured: 400, remaining: 600 },
    ],
    ['captures up to the amount complete it', [cap(400), cap(600)], 0, { state: 'COMPLETED', remaining: 0 }],
    [
      'RELEASE lets the rest go: completed',
      [cap(400, 0, true)],
      0,
      { state: 'COMPLETED', captured: 400, remaining: 0 },
    ],
    ['a void without captures closes', [voided()], 0, { state: 'CLOSED', remaining: 0 }],
    ['a void after a capture completes', [cap(300), voided()], 0, { state: 'COMPLETED', captured: 300 }],
    ['a refund of part of the capture', [cap(500), refundTx(200)], 0, { state: 'AUTHORIZED', refunded: 200 }],
    ['a refund by capture', [cap(500), refundCap(1, 500)], 0, { state: 'AUTHORIZED', refunded: 500 }],
    ['an expired transaction can be refunded', [cap(500), refundTx(100, EXPIRES)], EXPIRES, { state: 'EXPIRED' }],
    ['reauthorizing an authorized one extends expires_at', [reauth(10)], EXPIRES + 9 * DAY, { state: 'AUTHORIZED' }],
    [
      'reauthorizing an expired one revives it',
      [reauth(10, EXPIRES + DAY)],
      EXPIRES + 10 * DAY,
      { state: 'AUTHORIZED' },
    ],
    ['reauthorize with a lower amount', [cap(400), reauth(undefined, 0, 400)], 0, { state: 'COMPLETED', remaining: 0 }],
    ['expired at expires_at', [], EXPIRES, { state: 'EXPIRED' }],
    ['not captured: closed 7 days after expiry', [], GRACE_END, { state: 'CLOSED' }],
    ['partly captured: completed 7 days after expiry', [cap(100)], GRACE_END, { state: 'COMPLETED' }],
  ])('%s', (_name, steps, at, expected) => {
    const record = ok(run(steps));
    expect({
      state: transactionState(record, at),
      ...(expected.captured !== undefined && { captured: capturedOf(record) }),
      ...(expected.refunded !== undefined && { refunded: refundedOf(record) }),
      ...(expected.remaining !== undefined && { remaining: remainingOf(record) }),
    }).toEqual(expected);
  });

  it.each<[string, Step[], number, string]>([
    ['no capture above the remaining amount', [cap(600), cap(401)], 403, 'capture_amount 401 exceeds the 400 left'],
    ['no capture after RELEASE', [cap(100, 0, true), cap(1)], 409, 'is COMPLETED; it cannot be captured'],
    ['no capture once expired', [cap(1, EXPIRES)], 409, 'is EXPIRED; it cannot be captured'],
    ['no capture once voided', [voided(), cap(1)], 409, 'is CLOSED; it cannot be captured'],
    ['no refund above what was captured', [cap(300), refundTx(301)], 403, 'refund_amount 301 exceeds the 300'],
    ['no refund without captures', [refundTx(1)], 403, 'exceeds the 0 captured'],
    [
      'no refund above what was refunded of it',
      [cap(300), refundCap(1, 200), refundCap(1, 101)],
      403,
      'the 100 of the capture',
    ],
    ['no refund of a closed transaction', [refundTx(1, GRACE_END)], 409, 'is CLOSED; it cannot be refunded'],
    ['no void when fully captured', [cap(1000), voided()], 409, 'is COMPLETED; it cannot be voided'],
    ['no void once expired', [voided(EXPIRES)], 409, 'is EXPIRED; it cannot be voided'],
    ['no reauthorize once closed', [reauth(10, GRACE_END)], 409, 'is CLOSED; it cannot be reauthorized'],
    ['no reauthorize once completed', [cap(1000), reauth(10)], 409, 'is COMPLETED'],
    ['no reauthorized amount below the captured', [cap(500), reauth(undefined, 0, 499)], 400, 'One or more input'],
    ['no update when expired', [patch('x', EXPIRES)], 409, 'is EXPIRED; it cannot be updated'],
    ['no update when completed', [cap(1000), patch('x')], 409, 'is COMPLETED; it cannot be updated'],
    ['no update when closed', [voided(), patch('x')], 409, 'is CLOSED; it cannot be updated'],
  ])('%s', (_name, steps, status, message) => {
    const error = refused(run(steps));
    expect(error).toBeInstanceOf(KlarnaHttpError);
    expect(error.statusCode).toBe(status);
    expect(error.message).toContain(message);
  });

  it.each<[string, (r: TransactionRecord) => TransactionRecord, Step, string]>([
    [
      '200 captures',
      (r) => ({
        ...r,
        captures: Array.from({ length: 200 }, (_, i) => ({
          n: i + 1,
          amount: 1,
          at: 0,
          reference: undefined,
          refunded: 0,
          data: undefined,
        })),
      }),
      cap(1),
      'limit of 200 captures',
    ],
    [
      '200 refunds',
      (r) => ({
        ...r,
        refunds: Array.from({ length: 200 }, (_, i) => ({
          n: i + 1,
          amount: 1,
          at: 0,
          reference: undefined,
          capture: undefined,
          data: undefined,
        })),
      }),
      refundTx(1),
      'limit of 200 refunds',
    ],
    ['200 voids', (r) => ({ ...r, voids: LIMITS.voids }), voided(), 'limit of 200 voids'],
    ['500 actions in all', (r) => ({ ...r, actions: LIMITS.actions }), patch('x'), 'limit of 500 actions'],
  ])('refuses with 403 OPERATION_FORBIDDEN past %s', (_name, arrange, step, message) => {
    const error = refused(step(arrange(fresh(100_000))));
    expect([error.statusCode, error.errorCode]).toEqual([403, 'OPERATION_FORBIDDEN']);
    expect(error.message).toContain(message);
  });

  it('updates the reference and merges purchase data, and counts the change as an action', () => {
    const record = ok(update(fresh(), { reference: 'r2', purchaseData: { purchase_reference: 'p2' } }, 5));
    expect(record.transaction.payment_transaction_reference).toBe('r2');
    expect(purchaseSummary(record.purchaseData).purchaseReference).toBe('p2');
    expect([record.actions, record.changedAt]).toEqual([1, 5]);
  });

  it('keeps capture data only within its budget, and the store counts what is kept', () => {
    const big = { line_items: [{ name: 'x'.repeat(KEPT_DATA_CHARS), quantity: 1, total_amount: 1 }] };
    const small = { shipments: [{ delivery: { tracking_number: 'T1' } }] };
    const record = ok(
      run([(r) => capture(r, { amount: 1, data: small }, 0), (r) => capture(r, { amount: 1, data: big }, 0)]),
    );
    expect(record.captures.map((c) => c.data !== undefined)).toEqual([true, false]);
    expect(recordBytes(record)).toBeGreaterThan(recordBytes(fresh()) + JSON.stringify(small).length);
  });
});
