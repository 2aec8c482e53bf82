import type { SupplementaryPurchaseData } from '../../../contracts/index.js';
import { catalogue, type KlarnaHttpError } from '../error-catalogue.js';
import { keepPurchaseData, purchaseDataOf } from '../payment-requests/kept-purchase-data.js';
import {
  type CaptureEntry,
  capturedOf,
  type RefundEntry,
  refundedOf,
  remainingOf,
  type TransactionRecord,
  transactionState,
} from './transaction-record.js';

// Klarna's transaction rules, as pure functions of a record and the account clock's `now`: each answers the next
// record or the catalogue error. https://docs.klarna.com/klarna-network-distribution/manage-payments/ (capture,
// refund, void, lifecycle); the choices the docs leave open: docs/simulator-choices.md#transaction-errors.

export const LIMITS = { captures: 200, refunds: 200, voids: 200, actions: 500 } as const;
const DAY = 24 * 60 * 60 * 1000;
/** supplementary_capture_data and refund data kept per transaction, in characters; beyond it they are not kept. */
export const KEPT_DATA_CHARS = 64 * 1024;

export type Outcome = { ok: true; record: TransactionRecord } | { ok: false; error: KlarnaHttpError };

const fail = (error: KlarnaHttpError): Outcome => ({ ok: false, error });
const idOf = (record: TransactionRecord) => record.transaction.payment_transaction_id;

/** The state check and the counters every operation shares; undefined when the operation may go ahead. */
function refusal(
  record: TransactionRecord,
  now: number,
  allowed: readonly string[],
  operation: string,
  counter?: { count: number; max: number; what: string },
): KlarnaHttpError | undefined {
  const state = transactionState(record, now);
  if (!allowed.includes(state)) return catalogue.transactionState(idOf(record), state, operation);
  if (counter !== undefined && counter.count >= counter.max) {
    return catalogue.transactionLimit(idOf(record), counter.max, counter.what);
  }
  if (record.actions >= LIMITS.actions) return catalogue.transactionLimit(idOf(record), LIMITS.actions, 'actions');
  return undefined;
}

function keptChars(record: TransactionRecord): number {
  let chars = 0;
  for (const entry of [...record.captures, ...record.refunds]) chars += entry.data?.length ?? 0;
  return chars;
}

/** Data as JSON text while the transaction's budget lasts (the store counts it). */
function keepData(record: TransactionRecord, data: unknown): string | undefined {
  if (data === undefined) return undefined;
  const text = JSON.stringify(data);
  return keptChars(record) + text.length <= KEPT_DATA_CHARS ? text : undefined;
}

/** Purchase data sent on a later call: its fields replace the kept ones, the others stay. */
function mergedPurchaseData(record: TransactionRecord, sent: SupplementaryPurchaseData | undefined) {
  if (sent === undefined) return record.purchaseData;
  const before = record.purchaseData === undefined ? {} : purchaseDataOf(record.purchaseData);
  return keepPurchaseData({ ...before, ...sent });
}

export interface CaptureInput {
  amount: number;
  reference?: string | undefined;
  release?: boolean | undefined;
  data?: unknown;
  purchaseData?: SupplementaryPurchaseData | undefined;
}

/** Captures from AUTHORIZED, never more than remains; RELEASE lets the rest go (the transaction completes). */
export function capture(record: TransactionRecord, input: CaptureInput, now: number): Outcome {
  const refused = refusal(record, now, ['AUTHORIZED'], 'captured', {
    count: record.captures.length,
    max: LIMITS.captures,
    what: 'captures',
  });
  if (refused) return fail(refused);
  const remaining = remainingOf(record);
  if (input.amount > remaining) {
    return fail(
      catalogue.transactionAmount(idOf(record), 'capture_amount', input.amount, remaining, 'left to capture'),
    );
  }
  const entry: CaptureEntry = {
    n: record.captures.length + 1,
    amount: input.amount,
    at: now,
    reference: input.reference,
    refunded: 0,
    data: keepData(record, input.data),
  };
  return {
    ok: true,
    record: {
      ...record,
      captures: [...record.captures, entry],
      releasedAt: input.release ? now : record.releasedAt,
      purchaseData: mergedPurchaseData(record, input.purchaseData),
      actions: record.actions + 1,
      changedAt: now,
    },
  };
}

export interface RefundInput {
  amount: number;
  reference?: string | undefined;
  /** The number of the capture refunded ("Refund Payment Capture"); absent for a transaction refund. */
  capture?: number | undefined;
  data?: unknown;
}

/** Refunds never more than was captured (and not yet refunded), of the capture named if any; never once CLOSED. */
export function refund(record: TransactionRecord, input: RefundInput, now: number): Outcome {
  const refused = refusal(record, now, ['AUTHORIZED', 'EXPIRED', 'COMPLETED'], 'refunded', {
    count: record.refunds.length,
    max: LIMITS.refunds,
    what: 'refunds',
  });
  if (refused) return fail(refused);
  const captureEntry = input.capture === undefined ? undefined : record.captures[input.capture - 1];
  const available = Math.min(
    capturedOf(record) - refundedOf(record),
    captureEntry === undefined ? Number.POSITIVE_INFINITY : captureEntry.amount - captureEntry.refunded,
  );
  if (input.amount > available) {
    const what = captureEntry === undefined ? 'captured and not refunded' : 'of the capture not refunded';
    return fail(catalogue.transactionAmount(idOf(record), 'refund_amount', input.amount, available, what));
  }
  const entry: RefundEntry = {
    n: record.refunds.length + 1,
    amount: input.amount,
    at: now,
    reference: input.reference,
    capture: input.capture,
    data: keepData(record, input.data),
  };
  const captures =
    captureEntry === undefined
      ? record.captures
      : record.captures.map((c) => (c === captureEntry ? { ...c, refunded: c.refunded + input.amount } : c));
  return {
    ok: true,
    record: { ...record, captures, refunds: [...record.refunds, entry], actions: record.actions + 1, changedAt: now },
  };
}

/** Only from AUTHORIZED (so not fully captured): without captures it closes, with some it completes. */
export function voidTransaction(record: TransactionRecord, now: number): Outcome {
  const refused = refusal(record, now, ['AUTHORIZED'], 'voided', {
    count: record.voids,
    max: LIMITS.voids,
    what: 'voids',
  });
  if (refused) return fail(refused);
  return {
    ok: true,
    record: {
      ...record,
      voidedAt: now,
      releasedAt: now,
      voids: record.voids + 1,
      actions: record.actions + 1,
      changedAt: now,
    },
  };
}

export interface ReauthorizeInput {
  extensionDays?: number | undefined;
  amount?: number | undefined;
  purchaseData?: SupplementaryPurchaseData | undefined;
}

/**
 * From AUTHORIZED, or EXPIRED before it closes: `extension_days` move expires_at on from itself, or from now when it
 * has passed; `amount` becomes the authorized amount, never below what is captured.
 */
export function reauthorize(record: TransactionRecord, input: ReauthorizeInput, now: number): Outcome {
  const refused = refusal(record, now, ['AUTHORIZED', 'EXPIRED'], 'reauthorized');
  if (refused) return fail(refused);
  const captured = capturedOf(record);
  if (input.amount !== undefined && input.amount < captured) {
    return fail(catalogue.validation([{ parameter: 'amount', reason: `must not be below the ${captured} captured` }]));
  }
  const expiresAt =
    input.extensionDays === undefined ? record.expiresAt : Math.max(record.expiresAt, now) + input.extensionDays * DAY;
  return {
    ok: true,
    record: {
      ...record,
      transaction: { ...record.transaction, amount: input.amount ?? record.transaction.amount },
      expiresAt,
      purchaseData: mergedPurchaseData(record, input.purchaseData),
      actions: record.actions + 1,
      changedAt: now,
    },
  };
}

export interface UpdateInput {
  reference?: string | undefined;
  purchaseData?: SupplementaryPurchaseData | undefined;
}

/** References and purchase data, only while AUTHORIZED (not EXPIRED, COMPLETED or CLOSED). */
export function update(record: TransactionRecord, input: UpdateInput, now: number): Outcome {
  const refused = refusal(record, now, ['AUTHORIZED'], 'updated');
  if (refused) return fail(refused);
  return {
    ok: true,
    record: {
      ...record,
      transaction: {
        ...record.transaction,
        ...(input.reference !== undefined && { payment_transaction_reference: input.reference }),
      },
      purchaseData: mergedPurchaseData(record, input.purchaseData),
      actions: record.actions + 1,
      changedAt: now,
    },
  };
}
