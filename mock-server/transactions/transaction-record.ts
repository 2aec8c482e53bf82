import type { PaymentTransaction, PaymentTransactionResource, PaymentTransactionState } from '../../contracts/index.js';
import { type KeptPurchaseData, purchaseDataOf } from '../payment-requests/kept-purchase-data.js';

const DAY = 24 * 60 * 60 * 1000;
/** An EXPIRED transaction closes this long after its expiry unless reauthorized (Klarna's transaction lifecycle). */
export const CLOSE_AFTER_EXPIRY_MS = 7 * DAY;

/** A payment transaction an approval made, as the simulator keeps it (times in ms on the account's clock). */
export interface TransactionRecord {
  account: string;
  /** The authorize answer's payment_transaction, as sent. */
  transaction: PaymentTransaction;
  createdAt: number;
  expiresAt: number;
  purchaseData: KeptPurchaseData | undefined;
}

/** The last segment of `krn:payment:eu1:transaction:<uuid>`: how the store finds a transaction. */
export const transactionUuid = (id: string) => id.slice(id.lastIndexOf(':') + 1);

/**
 * Pure: the state at `now`. Only capture NOW captures for now, and it captures the whole amount: COMPLETED. Any other
 * transaction is AUTHORIZED until `expires_at`, EXPIRED for 7 days after, then CLOSED.
 */
export function transactionState(record: TransactionRecord, now: number): PaymentTransactionState {
  const captured = (record.transaction.payment_captures ?? []).reduce((sum, c) => sum + (c.amount ?? 0), 0);
  if (captured >= record.transaction.amount) return 'COMPLETED';
  if (now < record.expiresAt) return 'AUTHORIZED';
  return now < record.expiresAt + CLOSE_AFTER_EXPIRY_MS ? 'EXPIRED' : 'CLOSED';
}

const iso = (ms: number) => new Date(ms).toISOString();

export function renderTransaction(record: TransactionRecord, now: number): PaymentTransactionResource {
  const state = transactionState(record, now);
  // The state changed when the clock passed a boundary, or at creation.
  const changedAt =
    state === 'EXPIRED'
      ? record.expiresAt
      : state === 'CLOSED'
        ? record.expiresAt + CLOSE_AFTER_EXPIRY_MS
        : record.createdAt;
  return {
    ...record.transaction,
    state,
    created_at: iso(record.createdAt),
    updated_at: iso(changedAt),
    ...(record.purchaseData !== undefined && {
      supplementary_purchase_data: purchaseDataOf(record.purchaseData),
    }),
  };
}
