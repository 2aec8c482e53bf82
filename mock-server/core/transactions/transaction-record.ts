import type {
  PaymentCaptureResource,
  PaymentRefundResource,
  PaymentTransaction,
  PaymentTransactionResource,
  PaymentTransactionState,
} from '../../../contracts/index.js';
import { isoTime } from '../iso-time.js';
import { type KeptPurchaseData, keptBytes, purchaseDataOf } from '../payment-requests/kept-purchase-data.js';
import { recordId } from '../store/record-store.js';

const DAY = 24 * 60 * 60 * 1000;
/** An EXPIRED transaction closes (or completes, when partly captured) this long after its expiry unless reauthorized. */
export const CLOSE_AFTER_EXPIRY_MS = 7 * DAY;

/** One capture as kept: its number (the last segment of its id), amount, time and what of it was refunded. */
export interface CaptureEntry {
  n: number;
  amount: number;
  at: number;
  reference: string | undefined;
  refunded: number;
  /** supplementary_capture_data as JSON text, while the transaction's budget for such text lasts. */
  data: string | undefined;
}

/** One refund as kept; `capture` is the number of the capture it refunds, when refunded by capture. */
export interface RefundEntry {
  n: number;
  amount: number;
  at: number;
  reference: string | undefined;
  capture: number | undefined;
  data: string | undefined;
}

/** A payment transaction an approval made, as the simulator keeps it (times in ms on the account's clock). */
export interface TransactionRecord {
  account: string;
  /** The authorize answer's payment_transaction, with the reference and amount as updated since; no captures. */
  transaction: PaymentTransaction;
  createdAt: number;
  expiresAt: number;
  purchaseData: KeptPurchaseData | undefined;
  captures: CaptureEntry[];
  refunds: RefundEntry[];
  /** `remaining_authorization: RELEASE` or a void: nothing more can be captured. */
  releasedAt: number | undefined;
  voidedAt: number | undefined;
  voids: number;
  /** Captures, refunds, voids, reauthorizations and updates together (Klarna allows 500). */
  actions: number;
  /** When a call last changed it. */
  changedAt: number;
  /** The state the last webhook announced (changes on the clock are announced when noticed). */
  announced: PaymentTransactionState;
  /** Writes so far: a write is refused unless over the version read (core/store/record-store.ts). */
  version: number;
}

/** The last segment of `krn:payment:eu1:transaction:<uuid>`: how the store finds a transaction. */
export const transactionUuid = recordId;

/** `krn:…:transaction:<uuid>:capture:3` → the transaction id and 3; anything else → undefined. */
export function splitChildId(id: string, kind: 'capture' | 'refund'): { transactionId: string; n: number } | undefined {
  const match = new RegExp(`^(.+):${kind}:([1-9][0-9]{0,3})$`).exec(id);
  return match?.[1] === undefined || match[2] === undefined
    ? undefined
    : { transactionId: match[1], n: Number(match[2]) };
}

/** A new record from an approval; capture NOW's capture becomes the first capture. */
export function newTransactionRecord(input: {
  account: string;
  transaction: PaymentTransaction;
  now: number;
  expiresAt: number;
  purchaseData: KeptPurchaseData | undefined;
}): TransactionRecord {
  const { payment_captures: captures = [], ...transaction } = input.transaction;
  const record: TransactionRecord = {
    account: input.account,
    transaction,
    createdAt: input.now,
    expiresAt: input.expiresAt,
    purchaseData: input.purchaseData,
    captures: captures.map((capture, i) => ({
      n: i + 1,
      amount: capture.amount ?? 0,
      at: input.now,
      reference: undefined,
      refunded: 0,
      data: undefined,
    })),
    refunds: [],
    releasedAt: undefined,
    voidedAt: undefined,
    voids: 0,
    actions: captures.length,
    changedAt: input.now,
    announced: 'AUTHORIZED',
    version: 0,
  };
  // A record made here, not yet seen by anyone: its state is set on it rather than on a copy.
  record.announced = transactionState(record, input.now);
  return record;
}

export const capturedOf = (record: TransactionRecord) => record.captures.reduce((sum, c) => sum + c.amount, 0);
export const refundedOf = (record: TransactionRecord) => record.refunds.reduce((sum, r) => sum + r.amount, 0);
/** What can still be captured: nothing once released or voided. */
export const remainingOf = (record: TransactionRecord) =>
  record.releasedAt !== undefined ? 0 : Math.max(0, record.transaction.amount - capturedOf(record));

/**
 * Pure: the state at `now` (https://docs.klarna.com/klarna-network-distribution/manage-payments/payment-transaction-lifecycle/).
 * Voided: CLOSED without captures, COMPLETED with some. Fully captured, or the rest released: COMPLETED. Otherwise
 * AUTHORIZED until `expires_at`, EXPIRED for 7 days after, then COMPLETED if partly captured, else CLOSED.
 */
export function transactionState(record: TransactionRecord, now: number): PaymentTransactionState {
  const captured = capturedOf(record);
  if (record.voidedAt !== undefined) return captured > 0 ? 'COMPLETED' : 'CLOSED';
  if (remainingOf(record) === 0) return 'COMPLETED';
  if (now < record.expiresAt) return 'AUTHORIZED';
  if (now < record.expiresAt + CLOSE_AFTER_EXPIRY_MS) return 'EXPIRED';
  return captured > 0 ? 'COMPLETED' : 'CLOSED';
}

/** When the state last changed: a call, or the clock passing expires_at or the end of the grace period. */
export function stateChangedAt(record: TransactionRecord, now: number): number {
  const state = transactionState(record, now);
  const clockDriven = record.voidedAt === undefined && remainingOf(record) > 0;
  if (clockDriven && state === 'EXPIRED') return Math.max(record.changedAt, record.expiresAt);
  if (clockDriven && state !== 'AUTHORIZED')
    return Math.max(record.changedAt, record.expiresAt + CLOSE_AFTER_EXPIRY_MS);
  return record.changedAt;
}

/** Bytes the record holds, roughly, for the store's byte cap. */
export function recordBytes(record: TransactionRecord): number {
  let bytes = 640 + keptBytes(record.purchaseData) + (record.transaction.payment_transaction_reference?.length ?? 0);
  // Two loops, not one over both lists spread into a new array: this runs on every write of a transaction.
  for (const entry of record.captures) bytes += entryBytes(entry);
  for (const entry of record.refunds) bytes += entryBytes(entry);
  return bytes;
}

const entryBytes = (entry: CaptureEntry | RefundEntry) =>
  96 + (entry.reference?.length ?? 0) + (entry.data?.length ?? 0);

const iso = isoTime;
const transactionIdOf = (record: TransactionRecord) => record.transaction.payment_transaction_id;
export const captureIdOf = (record: TransactionRecord, n: number) => `${transactionIdOf(record)}:capture:${n}`;
export const refundIdOf = (record: TransactionRecord, n: number) => `${transactionIdOf(record)}:refund:${n}`;

export function renderCapture(record: TransactionRecord, capture: CaptureEntry): PaymentCaptureResource {
  return {
    payment_capture_id: captureIdOf(record, capture.n),
    payment_transaction_id: transactionIdOf(record),
    ...(capture.reference !== undefined && { payment_capture_reference: capture.reference }),
    amount: capture.amount,
    currency: record.transaction.currency,
    refunded_amount: capture.refunded,
    captured_at: iso(capture.at),
    ...(capture.data !== undefined && { supplementary_capture_data: JSON.parse(capture.data) }),
  };
}

export function renderRefund(record: TransactionRecord, refund: RefundEntry): PaymentRefundResource {
  return {
    payment_refund_id: refundIdOf(record, refund.n),
    payment_transaction_id: transactionIdOf(record),
    ...(refund.capture !== undefined && { payment_capture_id: captureIdOf(record, refund.capture) }),
    ...(refund.reference !== undefined && { payment_refund_reference: refund.reference }),
    amount: refund.amount,
    currency: record.transaction.currency,
    refunded_at: iso(refund.at),
    ...(refund.data !== undefined && { supplementary_refund_data: JSON.parse(refund.data) }),
  };
}

export function renderTransaction(record: TransactionRecord, now: number): PaymentTransactionResource {
  const captured = capturedOf(record);
  return {
    ...record.transaction,
    ...(record.captures.length > 0 && {
      payment_captures: record.captures.map((capture) => ({
        payment_capture_id: captureIdOf(record, capture.n),
        amount: capture.amount,
        captured_at: iso(capture.at),
        ...(capture.reference !== undefined && { payment_capture_reference: capture.reference }),
      })),
    }),
    ...(record.refunds.length > 0 && {
      payment_refunds: record.refunds.map((refund) => ({
        payment_refund_id: refundIdOf(record, refund.n),
        amount: refund.amount,
        refunded_at: iso(refund.at),
        ...(refund.capture !== undefined && { payment_capture_id: captureIdOf(record, refund.capture) }),
      })),
    }),
    expires_at: iso(record.expiresAt),
    state: transactionState(record, now),
    captured_amount: captured,
    refunded_amount: refundedOf(record),
    remaining_authorized_amount: remainingOf(record),
    created_at: iso(record.createdAt),
    updated_at: iso(stateChangedAt(record, now)),
    ...(record.purchaseData !== undefined && {
      supplementary_purchase_data: purchaseDataOf(record.purchaseData),
    }),
  };
}
