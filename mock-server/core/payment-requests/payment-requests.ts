import type { AuthorizeRequest } from '../../../contracts/index.js';
import type { AccountClock } from '../account-clock.js';
import { type Awaitable, andThen } from '../awaitable.js';
import { newCustomerToken } from '../customer-token.js';
import { catalogue, type KlarnaHttpError } from '../error-catalogue.js';
import { type AnswerStore, LEASE_MS, MAX_CLAIMS } from '../store/answer-store.js';
import { type PaymentRequestStore, recordId, sweepDue } from '../store/record-store.js';
import {
  fieldsOfAuthorize,
  newPaymentRequest,
  type PaymentRequestFields,
  type PaymentRequestRecord,
} from './payment-request-record.js';
import { PAYMENT_REQUEST_LIFETIME_MS, renderPaymentRequest, stateChangeEvent } from './render-payment-request.js';
import { hasExpired, type PaymentRequestAction, transition } from './transition.js';

/** Announces an event; its payload is rendered only when some webhook wants it. */
export type EmitWebhook = (account: string, eventType: string, payload: () => object) => void;

interface Options {
  /** Where the records live: this process, or a store shared by many (Redis). */
  records: PaymentRequestStore<PaymentRequestRecord>;
  /** Issued session and customer tokens live here, beside the answers that use them. */
  answerStore: AnswerStore;
  clock: AccountClock;
  uuid: () => string;
  region: string;
  ttlMs: number;
  emit: EmitWebhook;
}

/**
 * Writes a change that lost to another's are tried again, each time on the record read anew, before a 503: every
 * loss means another change won, which a handful of customers and partners cannot keep up for long.
 */
const MAX_WRITES = 16;

type Answer = PaymentRequestRecord | KlarnaHttpError;

/**
 * What an action makes of the current record: an answer at once (refused, or nothing to change), or a record to write
 * over the one read. `beforeWrite` runs first (an approval's tokens go to the answer store): a write that then loses
 * leaves tokens nobody ever learns of, and a store lost in between leaves the request as it was, to approve again.
 */
type Step =
  | { answer: Answer }
  | { write: PaymentRequestRecord; event?: string; beforeWrite?: () => Awaitable<unknown> };

/**
 * Payment requests: created by STEP_UP_REQUIRED, moved by the customer (hosted page or admin API), canceled by the
 * partner, expired by the account's clock. Each state change is stored and announced as
 * `payment.request.state-change.<state>` (https://docs.klarna.com/klarna-network-distribution/payments/one-time-payments/server-side-only-integration/monitor-the-payment-request-state).
 * Approval issues the session token (and the customer token when one was requested). Every change is written over
 * the version read (compare-and-set), so that of two processes sharing the store and changing one request at once,
 * one wins and announces; the other judges again on what won (docs/simulator-choices.md#shared-store). With the
 * memory store every method but an approval or a cancellation answers at once.
 */
export class PaymentRequests {
  constructor(private readonly options: Options) {}

  /** The payment request of an authorize request's STEP_UP_REQUIRED. */
  create(account: string, body: AuthorizeRequest, publicUrl: string): Awaitable<PaymentRequestRecord> {
    return this.submit(account, fieldsOfAuthorize(body), publicUrl);
  }

  /** A new payment request in state SUBMITTED, announced like every state change. */
  submit(account: string, fields: PaymentRequestFields, publicUrl: string): Awaitable<PaymentRequestRecord> {
    const { clock, uuid, region, ttlMs } = this.options;
    const record = newPaymentRequest(account, fields, {
      now: clock.now(account),
      uuid: uuid(),
      region,
      ttlMs,
      publicUrl,
    });
    return andThen(this.write(record), (written) => {
      if (written === undefined) throw new Error(`payment request ${record.uuid} was there already`);
      this.announce(written);
      return written;
    });
  }

  /**
   * Replaces the fields sent on a SUBMITTED request (updatePaymentRequest); a request in any other state answers
   * 409 RESOURCE_CONFLICT. Stored and announced as `payment.request.updated`.
   */
  update(record: PaymentRequestRecord, fields: Partial<PaymentRequestFields>): Awaitable<Answer> {
    return this.change(record, (current, now) =>
      current.state === 'SUBMITTED'
        ? { write: { ...current, ...definedOnly(fields), updatedAt: now }, event: 'payment.request.updated' }
        : { answer: catalogue.paymentRequestState(current.paymentRequestId, current.state, 'update') },
    );
  }

  /** The current record (expired first if its time has come), or undefined. */
  get(account: string, idOrUuid: string | undefined): Awaitable<PaymentRequestRecord | undefined> {
    if (idOrUuid === undefined) return undefined;
    return andThen(this.options.records.get(account, recordId(idOrUuid)), (record) =>
      record === undefined ? undefined : this.expireIfDue(record),
    );
  }

  /** Whatever its account: the hosted page and the customer actions of the admin API know only the id. */
  find(idOrUuid: string): Awaitable<PaymentRequestRecord | undefined> {
    return andThen(this.options.records.accountOf(recordId(idOrUuid)), (account) =>
      account === undefined ? undefined : this.get(account, idOrUuid),
    );
  }

  /**
   * Applies an action; a request in a state that refuses it answers 409 RESOURCE_CONFLICT. A promise where the answer
   * store is written (an approval's tokens, a completed request's cancellation) or the record store is shared.
   */
  act(record: PaymentRequestRecord, action: PaymentRequestAction): Awaitable<Answer> {
    return this.change(record, (current, now) => {
      if (action === 'cancel' && current.state === 'COMPLETED') return this.cancelCompleted(current, now);
      const result = transition(current, action, now);
      if (!result.ok) return { answer: catalogue.paymentRequestState(current.paymentRequestId, result.state, action) };
      if (!result.changed) return { answer: result.record };
      return result.record.state === 'COMPLETED' ? this.issueTokens(result.record, now) : { write: result.record };
    });
  }

  /** Expires every open request of the account (or of all) whose lifetime has run out, announcing each. */
  sweep(account?: string): Awaitable<void> {
    return sweepDue(this.options.records, this.options.clock, account, (name, id) => this.get(name, id));
  }

  reset(account: string): Awaitable<void> {
    return this.options.records.resetAccount(account);
  }

  /**
   * The record after `step`, written over the version read; a write another beat is judged again on the record read
   * anew (which may now refuse the action). The record is expired first when its time has come.
   */
  private change(
    record: PaymentRequestRecord,
    step: (current: PaymentRequestRecord, now: number) => Awaitable<Step>,
    writes = 0,
  ): Awaitable<Answer> {
    if (writes >= MAX_WRITES) return catalogue.unavailable();
    return andThen(this.expireIfDue(record), (current) => {
      if (current === undefined) return catalogue.resourceNotFound(`payment request ${record.paymentRequestId}`);
      return andThen(step(current, this.options.clock.now(current.account)), (next) => {
        if ('answer' in next) return next.answer;
        const written = andThen(next.beforeWrite?.(), () => this.write(next.write));
        return andThen(written, (done) => {
          if (done === undefined) {
            return andThen(this.reread(current), (fresh) =>
              fresh === undefined
                ? catalogue.resourceNotFound(`payment request ${record.paymentRequestId}`)
                : this.change(fresh, step, writes + 1),
            );
          }
          this.announce(done, next.event);
          return done;
        });
      });
    });
  }

  /** The record, expired and announced if its time has come (by whichever process wins that write); undefined: gone. */
  private expireIfDue(record: PaymentRequestRecord, writes = 0): Awaitable<PaymentRequestRecord | undefined> {
    const now = this.options.clock.now(record.account);
    if (!hasExpired(record, now)) return record;
    const result = transition(record, 'expire', now);
    if (!result.ok || !result.changed) return record;
    return andThen(this.write(result.record), (written) => {
      if (written !== undefined) {
        this.announce(written);
        return written;
      }
      if (writes >= MAX_WRITES) throw catalogue.unavailable();
      return andThen(this.reread(record), (fresh) => fresh && this.expireIfDue(fresh, writes + 1));
    });
  }

  private reread(record: PaymentRequestRecord): Awaitable<PaymentRequestRecord | undefined> {
    return this.options.records.get(record.account, record.uuid);
  }

  /**
   * A COMPLETED request can be canceled until its session token has been used in a final authorization; the token
   * is then withdrawn, so a final authorization with it is refused (reason `canceled`). A tokenization alone has no
   * session token: it was final when the customer approved, and its customer token is out. The cancellation claims
   * the token as a final authorization does, so the two cannot both win.
   */
  private async cancelCompleted(record: PaymentRequestRecord, now: number): Promise<Step> {
    const { answerStore } = this.options;
    const { account } = record;
    const token = record.sessionToken;
    if (token === undefined) {
      return { answer: catalogue.paymentRequestState(record.paymentRequestId, 'COMPLETED', 'cancel') };
    }
    const ids = { token };
    for (let claims = 0; claims < MAX_CLAIMS; claims += 1) {
      const claim = await answerStore.claim(account, ids, { leaseMs: LEASE_MS });
      if (claim.kind === 'held') {
        await answerStore.awaitAnswer(account, ids, claim.retryInMs);
        continue;
      }
      // A token answer is stored: a final authorization used it.
      if (claim.kind === 'stored') return { answer: catalogue.paymentRequestFinalized(record.paymentRequestId) };
      const { session: issued } = await answerStore.issuedTokens(account, { session: token });
      const refusal =
        issued?.usedAt !== undefined
          ? catalogue.paymentRequestFinalized(record.paymentRequestId)
          : refusedCancel(record, now);
      if (refusal !== undefined) {
        await answerStore.release(claim.lease);
        return { answer: refusal };
      }
      const canceled = transition(record, 'cancel', now);
      if (!canceled.ok) throw new Error('a completed payment request refused its cancellation');
      const effects = issued === undefined ? {} : { sessionToken: { token, issued: { ...issued, canceledAt: now } } };
      if ((await answerStore.commit(claim.lease, effects)) === 'lease-lost') continue;
      return { write: canceled.record };
    }
    return { answer: catalogue.unavailable() };
  }

  /**
   * On approval: a customer token when one was requested, and a session token when a payment is to be finalized. A
   * tokenization alone needs no further call (reference §6.2), so it gets no session token. The tokens go to the
   * answer store before the record is written: of two approvals only the one whose write won tells anyone its token,
   * and nobody learns of a token the store does not hold.
   */
  private issueTokens(record: PaymentRequestRecord, now: number): Step {
    const { uuid, region, answerStore } = this.options;
    const rct = record.requestCustomerToken;
    const customerToken = rct && newCustomerToken(rct.scopes, rct.customer_token_reference, { region, uuid });
    const issueCustomerToken = () =>
      customerToken === undefined ? undefined : answerStore.issueCustomerToken(record.account, customerToken);
    if (record.amount === undefined) return { write: { ...record, customerToken }, beforeWrite: issueCustomerToken };
    const sessionToken = `krn:payment:${region}:klarna-network-session-token:${uuid()}`;
    const issued = {
      completedAt: now,
      paymentRequestId: record.paymentRequestId,
      amount: record.amount,
      currency: record.currency,
      customerToken,
    };
    return {
      write: { ...record, sessionToken, customerToken },
      beforeWrite: () =>
        andThen(issueCustomerToken(), () => answerStore.issueSessionToken(record.account, sessionToken, issued)),
    };
  }

  /**
   * Written over the version read, due at its expiry while it may still change, kept as long as the resource lives
   * (`expires_at`): undefined when another write won.
   */
  private write(record: PaymentRequestRecord): Awaitable<PaymentRequestRecord | undefined> {
    const open = record.state === 'SUBMITTED' || record.state === 'IN_PROGRESS';
    return this.options.records.put(record.account, record.uuid, record, {
      dueAt: open ? record.stateExpiresAt : undefined,
      keepUntil: Math.max(record.createdAt + PAYMENT_REQUEST_LIFETIME_MS, record.stateExpiresAt),
      now: record.updatedAt,
    });
  }

  private announce(record: PaymentRequestRecord, event = stateChangeEvent(record)): void {
    this.options.emit(record.account, event, () => renderPaymentRequest(record));
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
