import { describe, expect, it } from 'vitest';
import {
  CLOSE_AFTER_EXPIRY_MS,
  newTransactionRecord,
  stateChangedAt,
  transactionState,
} from '../../mock-server/core/transactions/transaction-record.js';

const DAY = 24 * 60 * 60 * 1000;
const record = (captured?: number) =>
  newTransactionRecord({
    account: 'a',
    transaction: {
      payment_transaction_id: 'krn:payment:eu1:transaction:1',
      amount: 1000,
      currency: 'EUR',
      ...(captured !== undefined && {
        payment_captures: [{ payment_capture_id: 'c', amount: captured, captured_at: '2026-12-04T00:00:00.000Z' }],
      }),
    },
    now: 0,
    expiresAt: 28 * DAY,
    purchaseData: undefined,
  });

describe('the state of a payment transaction on the account clock', () => {
  it.each([
    ['authorized until it expires', record(), 28 * DAY - 1, 'AUTHORIZED'],
    ['expired at expires_at', record(), 28 * DAY, 'EXPIRED'],
    ['still expired just before the 7 days are over', record(), 28 * DAY + CLOSE_AFTER_EXPIRY_MS - 1, 'EXPIRED'],
    ['closed 7 days after expiry', record(), 28 * DAY + CLOSE_AFTER_EXPIRY_MS, 'CLOSED'],
    ['completed once fully captured (capture NOW)', record(1000), 0, 'COMPLETED'],
    ['completed whatever the clock says', record(1000), 60 * DAY, 'COMPLETED'],
    ['partly captured and past the 7-day grace: completed', record(400), 28 * DAY + CLOSE_AFTER_EXPIRY_MS, 'COMPLETED'],
    ['partly captured and expired within the grace: expired', record(400), 28 * DAY, 'EXPIRED'],
  ] as const)('%s', (_name, transaction, now, state) => {
    expect(transactionState(transaction, now)).toBe(state);
  });

  it.each([
    ['at creation while authorized', 5 * DAY, 0],
    ['at expires_at once expired', 30 * DAY, 28 * DAY],
    ['at the end of the grace once closed', 60 * DAY, 28 * DAY + CLOSE_AFTER_EXPIRY_MS],
  ])('dates the last change %s', (_name, now, changed) => {
    expect(stateChangedAt(record(), now)).toBe(changed);
  });
});
