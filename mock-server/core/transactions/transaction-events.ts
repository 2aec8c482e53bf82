import type { PaymentTransactionState } from '../../../contracts/index.js';
import {
  remainingOf,
  renderCapture,
  renderRefund,
  renderTransaction,
  type TransactionRecord,
  transactionState,
} from './transaction-record.js';

// Klarna's transaction events (the collection's "Create webhook - Payment transactions"):
// https://docs.klarna.com/klarna-network-distribution/manage-partners/integration-setup-and-notifications/webhooks

export interface TransactionEvent {
  type: string;
  /** Rendered when a webhook wants the event (most transactions have none), at most once per change. */
  payload: () => Record<string, unknown>;
}

/** What was known before a change: the state last announced (none for a new transaction) and the counts. */
export interface Before {
  announced: PaymentTransactionState | undefined;
  captures: number;
  refunds: number;
}

export const stateChangeEvent = (state: PaymentTransactionState) =>
  `payment.transaction.state-change.${state.toLowerCase()}`;

/** The transaction as an event carries it: without the purchase data, which the read operation gives. */
function transactionPayload(record: TransactionRecord, now: number): Record<string, unknown> {
  const { supplementary_purchase_data: _left, ...transaction } = renderTransaction(record, now);
  return transaction;
}

/**
 * Pure: the events a change makes, in order: each new capture (`captured`), each new refund (`refunded`), then the
 * state change, with EXPIRED first when the clock went past both expires_at and the grace before anyone looked.
 */
export function transactionEvents(
  before: Before,
  after: TransactionRecord,
  now: number,
): { events: TransactionEvent[]; announced: PaymentTransactionState } {
  const events: TransactionEvent[] = [];
  let rendered: Record<string, unknown> | undefined;
  const payload = () => {
    rendered ??= transactionPayload(after, now);
    return rendered;
  };
  for (const capture of after.captures.slice(before.captures)) {
    events.push({
      type: 'payment.transaction.captured',
      payload: () => ({ ...payload(), payment_capture: renderCapture(after, capture) }),
    });
  }
  for (const refund of after.refunds.slice(before.refunds)) {
    events.push({
      type: 'payment.transaction.refunded',
      payload: () => ({ ...payload(), payment_refund: renderRefund(after, refund) }),
    });
  }
  const state = transactionState(after, now);
  const byClock = after.voidedAt === undefined && remainingOf(after) > 0;
  const skippedExpiry = before.announced === 'AUTHORIZED' && byClock && (state === 'CLOSED' || state === 'COMPLETED');
  if (skippedExpiry)
    events.push({ type: stateChangeEvent('EXPIRED'), payload: () => ({ ...payload(), state: 'EXPIRED' }) });
  if (state !== before.announced) events.push({ type: stateChangeEvent(state), payload });
  return { events, announced: state };
}
