import type { AuthorizeRequest } from '../../../contracts/index.js';
import type { AccountClock } from '../account-clock.js';
import type { Awaitable } from '../awaitable.js';
import { newCustomerToken } from '../customer-token.js';
import { catalogue, type KlarnaHttpError } from '../error-catalogue.js';
import { type AnswerStore, LEASE_MS, MAX_CLAIMS } from '../store/answer-store.js';
import type { Store } from '../store/store.js';
import {
  fieldsOfAuthorize,
  newPaymentRequest,
  type PaymentRequestFields,
  type PaymentRequestRecord,
} from './payment-request-record.js';
import { renderPaymentRequest, stateChangeEvent } from './render-payment-request.js';
import { hasExpired, type PaymentRequestAction, transition } from './transition.js';

export type EmitWebhook = (account: string, eventType: string, payload: object) => void;

interface Options {
  store: Store;
  /** Issued session and customer tokens live here, beside the answers that use them. */
  answerStore: AnswerStore;
  clock: AccountClock;
  uuid: () => string;
  region: string;
  ttlMs: number;
  emit: EmitWebhook;
}

/**
 * Payment requests: created by STEP_UP_REQUIRED, moved by the customer (hosted page or admin API), canceled by the
 * partner, expired by the account's clock. Each state change is stored and announced as
 * `payment.request.state-change.<state>` (https://docs.klarna.com/klarna-network-distribution/payments/one-time-payments/server-side-only-integration/monitor-the-payment-request-state).
 * Approval issues the session token (and the customer token when one was requested).
 */
export class PaymentRequests {
  /** Per account, requests that may still expire, so a clock move can announce expiries. */
  private readonly open = new Map<string, Set<string>>();

  constructor(private readonly options: Options) {}

  /** The payment request of an authorize request's STEP_UP_REQUIRED. */
  create(account: string, body: AuthorizeRequest, publicUrl: string): PaymentRequestRecord {
    return this.submit(account, fieldsOfAuthorize(body), publicUrl);
  }

  /** A new payment request in state SUBMITTED, announced like every state change. */
  submit(account: string, fields: PaymentRequestFields, publicUrl: string): PaymentRequestRecord {
    const { clock, uuid, region, ttlMs } = this.options;
    const record = newPaymentRequest(account, fields, {
      now: clock.now(account),
      uuid: uuid(),
      region,
      ttlMs,
      publicUrl,
    });
    this.save(record);
    this.announce(record);
    return record;
  }

  /**
   * Replaces the fields sent on a SUBMITTED request (updatePaymentRequest); a request in any other state answers
   * 409 RESOURCE_CONFLICT. Stored and announced as `payment.request.updated`.
   */
  update(record: PaymentRequestRecord, fields: Partial<PaymentRequestFields>): PaymentRequestRecord | KlarnaHttpError {
    const now = this.options.clock.now(record.account);
    const current = hasExpired(record, now) ? this.expireIfDue(record) : record;
    if (current.state !== 'SUBMITTED') {
      return catalogue.paymentRequestState(current.paymentRequestId, current.state, 'update');
    }
    const updated: PaymentRequestRecord = { ...current, ...definedOnly(fields), updatedAt: now };
    this.save(updated);
    this.options.emit(updated.account, 'payment.request.updated', renderPaymentRequest(updated));
    return updated;
  }

  /** The current record (expired first if its time has come), or undefined. */
  get(account: string, idOrUuid: string | undefined): PaymentRequestRecord | undefined {
    const record = this.options.store.paymentRequest(account, idOrUuid);
    return record && this.expireIfDue(record);
  }

  find(idOrUuid: string): PaymentRequestRecord | undefined {
    const record = this.options.store.anyPaymentRequest(idOrUuid);
    return record && this.expireIfDue(record);
  }

  /**
   * Applies an action; a request in a state that refuses it answers 409 RESOURCE_CONFLICT. Async where the answer
   * store is written: an approval's tokens, a completed request's cancellation.
   */
  async act(
    record: PaymentRequestRecord,
    action: PaymentRequestAction,
  ): Promise<PaymentRequestRecord | KlarnaHttpError> {
    const now = this.options.clock.now(record.account);
    if (action === 'cancel' && record.state === 'COMPLETED') return this.cancelCompleted(record, now);
    const result = transition(record, action, now);
    if (!result.ok) return catalogue.paymentRequestState(record.paymentRequestId, result.state, action);
    if (!result.changed) return result.record;
    if (result.record.state !== 'COMPLETED') {
      this.save(result.record);
      this.announce(result.record);
      return result.record;
    }
    const issued = this.issueTokens(result.record, now);
    // Saved before the tokens are written, so that a second approval meanwhile finds it completed; announced (and
    // answered) after, so that nobody learns of a token the store does not hold yet.
    this.save(issued.record);
    await issued.written;
    this.announce(issued.record);
    return issued.record;
  }

  /** Expires every open request of the account (or of all) whose lifetime has run out, announcing each. */
  sweep(account?: string): void {
    const accounts = account === undefined ? [...this.open.keys()] : [account];
    for (const name of accounts) {
      for (const uuid of [...(this.open.get(name) ?? [])]) {
        const record = this.options.store.paymentRequest(name, uuid);
        if (record === undefined) this.open.get(name)?.delete(uuid);
        else this.expireIfDue(record);
      }
      if (this.open.get(name)?.size === 0) this.open.delete(name);
    }
  }

  reset(account: string): void {
    this.open.delete(account);
  }

  /** Synchronous: an expiry writes no token. */
  private expireIfDue(record: PaymentRequestRecord): PaymentRequestRecord {
    const now = this.options.clock.now(record.account);
    if (!hasExpired(record, now)) return record;
    const result = transition(record, 'expire', now);
    if (!result.ok) return record;
    if (!result.changed) return result.record;
    this.save(result.record);
    this.announce(result.record);
    return result.record;
  }

  /**
   * A COMPLETED request can be canceled until its session token has been used in a final authorization; the token
   * is then withdrawn, so a final authorization with it is refused (reason `canceled`). A tokenization alone has no
   * session token: it was final when the customer approved, and its customer token is out. The cancellation claims
   * the token as a final authorization does, so the two cannot both win.
   */
  private async cancelCompleted(
    record: PaymentRequestRecord,
    now: number,
  ): Promise<PaymentRequestRecord | KlarnaHttpError> {
    const { answerStore } = this.options;
    const { account } = record;
    const token = record.sessionToken;
    if (token === undefined) return catalogue.paymentRequestState(record.paymentRequestId, 'COMPLETED', 'cancel');
    const ids = { token };
    for (let claims = 0; claims < MAX_CLAIMS; claims += 1) {
      const claim = await answerStore.claim(account, ids, { leaseMs: LEASE_MS });
      if (claim.kind === 'held') {
        await answerStore.awaitAnswer(account, ids, claim.retryInMs);
        continue;
      }
      // A token answer is stored: a final authorization used it.
      if (claim.kind === 'stored') return catalogue.paymentRequestFinalized(record.paymentRequestId);
      const { session: issued } = await answerStore.issuedTokens(account, { session: token });
      const refusal =
        issued?.usedAt !== undefined
          ? catalogue.paymentRequestFinalized(record.paymentRequestId)
          : refusedCancel(record, now);
      if (refusal !== undefined) {
        await answerStore.release(claim.lease);
        return refusal;
      }
      const canceled = transition(record, 'cancel', now);
      if (!canceled.ok) throw new Error('a completed payment request refused its cancellation');
      const effects = issued === undefined ? {} : { sessionToken: { token, issued: { ...issued, canceledAt: now } } };
      if ((await answerStore.commit(claim.lease, effects)) === 'lease-lost') continue;
      this.save(canceled.record);
      this.announce(canceled.record);
      return canceled.record;
    }
    return catalogue.unavailable();
  }

  /**
   * On approval: a customer token when one was requested, and a session token when a payment is to be finalized. A
   * tokenization alone needs no further call (reference §6.2), so it gets no session token. `written` settles when
   * the answer store holds them.
   */
  private issueTokens(
    record: PaymentRequestRecord,
    now: number,
  ): { record: PaymentRequestRecord; written: Promise<unknown> } {
    const { uuid, region, answerStore } = this.options;
    const rct = record.requestCustomerToken;
    const customerToken = rct && newCustomerToken(rct.scopes, rct.customer_token_reference, { region, uuid });
    const writes: Awaitable<void>[] = [];
    if (customerToken !== undefined) writes.push(answerStore.issueCustomerToken(record.account, customerToken));
    if (record.amount === undefined) return { record: { ...record, customerToken }, written: Promise.all(writes) };
    const sessionToken = `krn:payment:${region}:klarna-network-session-token:${uuid()}`;
    writes.push(
      answerStore.issueSessionToken(record.account, sessionToken, {
        completedAt: now,
        paymentRequestId: record.paymentRequestId,
        amount: record.amount,
        currency: record.currency,
        customerToken,
      }),
    );
    return { record: { ...record, sessionToken, customerToken }, written: Promise.all(writes) };
  }

  private save(record: PaymentRequestRecord): void {
    this.options.store.savePaymentRequest(record);
    let open = this.open.get(record.account);
    if (open === undefined) {
      open = new Set();
      this.open.set(record.account, open);
    }
    if (record.state === 'SUBMITTED' || record.state === 'IN_PROGRESS') open.add(record.uuid);
    else open.delete(record.uuid);
    if (open.size === 0) this.open.delete(record.account);
  }

  private announce(record: PaymentRequestRecord): void {
    this.options.emit(record.account, stateChangeEvent(record), renderPaymentRequest(record));
  }
}

/** Why a completed request cannot be canceled now (its transition refuses), or undefined. */
function refusedCancel(record: PaymentRequestRecord, now: number): KlarnaHttpError | undefined {
  const result = transition(record, 'cancel', now);
  return result.ok ? undefined : catalogue.paymentRequestState(record.paymentRequestId, result.state, 'cancel');
}

/** The fields that were sent: an absent field leaves the record's value as it is. */
function definedOnly(fields: Partial<PaymentRequestFields>): Partial<PaymentRequestFields> {
  return Object.fromEntries(Object.entries(fields).filter(([, value]) => value !== undefined));
}
