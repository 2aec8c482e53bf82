import type { PaymentRequestRecord, PaymentRequestState } from './payment-request-record.js';

export type CustomerAction = 'open' | 'approve' | 'decline' | 'abort';
export type PaymentRequestAction = CustomerAction | 'cancel' | 'expire';

/**
 * The payment request state machine (reference §3.3, §6.1; the Web SDK's PaymentRequestState): SUBMITTED →
 * IN_PROGRESS → COMPLETED | DECLINED, back to SUBMITTED when the customer drops out, CANCELED by the partner,
 * EXPIRED when its lifetime ends. Final states accept nothing, but for one exception: a COMPLETED request may still
 * be canceled until its session token has been used in a final authorization (Klarna's cancel page, acquirer variant; the
 * caller checks the token, see PaymentRequests.act).
 */
const ALLOWED: Record<PaymentRequestAction, { from: PaymentRequestState[]; to: PaymentRequestState }> = {
  open: { from: ['SUBMITTED', 'IN_PROGRESS'], to: 'IN_PROGRESS' },
  approve: { from: ['SUBMITTED', 'IN_PROGRESS'], to: 'COMPLETED' },
  decline: { from: ['SUBMITTED', 'IN_PROGRESS'], to: 'DECLINED' },
  abort: { from: ['SUBMITTED', 'IN_PROGRESS'], to: 'SUBMITTED' },
  cancel: { from: ['SUBMITTED', 'IN_PROGRESS', 'COMPLETED'], to: 'CANCELED' },
  expire: { from: ['SUBMITTED', 'IN_PROGRESS'], to: 'EXPIRED' },
};

const FINAL: PaymentRequestState[] = ['COMPLETED', 'DECLINED', 'CANCELED', 'EXPIRED'];
export const isFinal = (state: PaymentRequestState) => FINAL.includes(state);

export type TransitionResult =
  | { ok: true; record: PaymentRequestRecord; changed: boolean }
  | { ok: false; state: PaymentRequestState };

/** Pure: the record after `action` at `now`, or the state that refuses it. Expiry is applied first. */
export function transition(record: PaymentRequestRecord, action: PaymentRequestAction, now: number): TransitionResult {
  const current =
    action !== 'expire' && now >= record.stateExpiresAt && !isFinal(record.state) ? 'EXPIRED' : record.state;
  const rule = ALLOWED[action];
  if (!rule.from.includes(current)) return { ok: false, state: current };
  if (current === rule.to) return { ok: true, record, changed: false };
  return {
    ok: true,
    changed: true,
    record: {
      ...record,
      state: rule.to,
      previousState: current,
      updatedAt: now,
      ...(rule.to === 'CANCELED' && { canceledAt: now }),
      ...(rule.to === 'COMPLETED' && { completedAt: now }),
    },
  };
}

/** Whether the lifetime has run out on a request that could still change. */
export const hasExpired = (record: PaymentRequestRecord, now: number) =>
  !isFinal(record.state) && now >= record.stateExpiresAt;
