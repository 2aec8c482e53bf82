import type { AccountClock } from '../account-clock.js';
import type { MockConfig } from '../config.js';
import type { PaymentRequests } from '../payment-requests/payment-requests.js';
import type { Scenarios } from '../scenarios/scenario-engine.js';
import type { AnswerStore } from '../store/answer-store.js';
import type { Transactions } from '../transactions/transactions.js';

export interface AuthorizeDeps {
  config: MockConfig;
  /** Answers by key and session token, issued tokens: claimed, then committed at once. */
  answerStore: AnswerStore;
  scenarios: Scenarios;
  paymentRequests: PaymentRequests;
  /** Where an approval's transaction goes (and is announced). */
  transactions: Transactions;
  clock: AccountClock;
  uuid: () => string;
}

/** One authorize request as the HTTP layer hands it over: nothing parsed yet. */
export interface AuthorizeInput {
  account: string;
  headers: Record<string, unknown>;
  /** The body as sent. */
  bodyText: string;
  /** Parses the body (throwing catalogue errors); called only when no replay answers first. */
  parseBody: (text: string) => unknown;
  /** Origin the request was addressed to, for payment_request_url when no publicUrl is configured. */
  origin: () => string;
  /** Hash of the body exactly as sent: a retry with the same bytes and key replays without re-validation. */
  rawBodyHash?: string | undefined;
}
