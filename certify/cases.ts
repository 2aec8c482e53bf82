import { seededRandom } from '../mock-server/index.js';
import type { RuleName } from './rules.js';

// The fault matrix a client is driven through, one run of the client per case. Each case arms one built-in
// scenario once (times: 1) on a fresh account, so a correct retry meets a healthy simulator. The webhook cases arm
// a delivery fault for the client's own receiver instead; the token case hands the client an expired session token.

export interface CertifyCase {
  /** Stable name, used in reports and JUnit. */
  id: string;
  /** What the client meets, in words. */
  title: string;
  /** The built-in scenario armed for the case's first request, if any. */
  scenario?: string;
  /** A webhook delivery fault armed for the purchase's first event; the client's receiver is subscribed. */
  webhookFault?: 'duplicate' | 'out_of_order';
  /**
   * Once the client says its purchase is made, move the account clock past the authorization's 28 days: the
   * EXPIRED event goes out, and the held AUTHORIZED one after it.
   */
  expireAfterPurchase?: boolean;
  /** The state of the newest event of the case, which a receiver must end on. */
  newestState?: string;
  /** Hand the client a session token the simulator issued, then move the account clock past its 60 minutes. */
  expiredSessionToken?: boolean;
  /** The rules judged for this case, in report order. */
  rules: RuleName[];
  /** Retry-After the scenario sends (seconds), for retry-after-honoured. */
  retryAfterSeconds?: number;
}

const RETRY_RULES: RuleName[] = ['same-key-on-retry', 'one-transaction', 'backoff', 'eventually-succeeds'];

export const CERTIFY_CASES: readonly CertifyCase[] = [
  { id: 'response-lost', title: 'response lost after commit', scenario: 'response-lost', rules: RETRY_RULES },
  { id: 'timeout-500', title: '500 TECHNICAL_ERROR / TIMEOUT', scenario: 'timeout', rules: RETRY_RULES },
  { id: 'unavailable-503', title: '503 TEMPORARY_UNAVAILABLE', scenario: 'unavailable', rules: RETRY_RULES },
  {
    id: 'rate-limited-429',
    title: '429 RATE_LIMITED with Retry-After: 1',
    scenario: 'rate-limited',
    retryAfterSeconds: 1,
    rules: ['same-key-on-retry', 'retry-after-honoured', 'one-transaction', 'backoff', 'eventually-succeeds'],
  },
  { id: 'connection-reset', title: 'connection reset', scenario: 'reset', rules: RETRY_RULES },
  { id: 'empty-reply', title: 'empty reply', scenario: 'empty-reply', rules: RETRY_RULES },
  { id: 'hang', title: "hang past the client's timeout", scenario: 'hang', rules: RETRY_RULES },
  {
    id: 'validation-error-400',
    title: '400 VALIDATION_ERROR (not to be retried)',
    scenario: 'validation-error',
    rules: ['no-retry-on-4xx', 'one-transaction'],
  },
  {
    id: 'duplicate-webhook',
    title: 'the AUTHORIZED webhook delivered twice',
    webhookFault: 'duplicate',
    newestState: 'AUTHORIZED',
    rules: ['webhook-processed-once', 'one-transaction', 'eventually-succeeds'],
  },
  {
    id: 'out-of-order-webhooks',
    title: 'webhooks out of order: EXPIRED delivered before AUTHORIZED',
    webhookFault: 'out_of_order',
    expireAfterPurchase: true,
    newestState: 'EXPIRED',
    rules: ['webhook-newest-state-kept', 'webhook-processed-once', 'eventually-succeeds'],
  },
  {
    id: 'expired-session-token',
    title: 'a session token past its 60 minutes',
    expiredSessionToken: true,
    rules: ['expired-token-not-reused', 'one-transaction', 'eventually-succeeds'],
  },
];

/** The account of the n-th case run (1-based): fresh per case, so one case's journal never mixes with another's. */
export const caseAccount = (n: number) => `krn:partner:global:account:test:CERT${n}`;

/** The cases in the order a seed gives (Fisher–Yates on the simulator's seeded generator): same seed, same order. */
export function casesForSeed(seed: string, cases: readonly CertifyCase[] = CERTIFY_CASES): CertifyCase[] {
  const random = seededRandom(`certify:${seed}`);
  const order = [...cases];
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [order[i], order[j]] = [order[j] as CertifyCase, order[i] as CertifyCase];
  }
  return order;
}
