import type { AuthorizeRequest, ScenarioMatch, ScenarioOperation } from '../../../contracts/index.js';
import { stepUpPossible, type TokenFacts } from '../authorize/decide.js';

/** What a scenario can match on, taken once from a validated request. */
export interface RequestFacts {
  account: string;
  amount: number | undefined;
  currency: string;
  email: string | undefined;
  reference: string | undefined;
  /** A final authorization (a session token the simulator issued). */
  sessionToken: boolean;
  customerToken: boolean;
  /** Whether Klarna could answer STEP_UP_REQUIRED (decide.ts). */
  stepUpPossible: boolean;
  /** The operation asked for; absent is authorize. */
  operation?: ScenarioOperation;
}

export function requestFacts(account: string, body: AuthorizeRequest, tokens: TokenFacts): RequestFacts {
  return {
    account,
    amount: body.request_payment_transaction?.amount,
    currency: body.currency,
    email: body.supplementary_purchase_data?.customer?.email,
    reference: body.request_payment_transaction?.payment_transaction_reference,
    sessionToken: tokens.final,
    customerToken: tokens.customerToken !== undefined,
    stepUpPossible: stepUpPossible(tokens),
  };
}

/** Every condition given must hold; `nth` is counted by the caller, which keeps the counters. */
export function matchesConditions(match: ScenarioMatch | undefined, facts: RequestFacts): boolean {
  // A scenario armed for another operation never applies: one for a capture leaves authorize alone, and the reverse.
  if ((match?.operation ?? 'authorize') !== (facts.operation ?? 'authorize')) return false;
  if (match === undefined) return true;
  if (match.account !== undefined && match.account !== facts.account) return false;
  if (match.amount !== undefined) {
    if (facts.amount === undefined) return false;
    if (
      typeof match.amount === 'number'
        ? facts.amount !== match.amount
        : facts.amount < match.amount.min || facts.amount > match.amount.max
    ) {
      return false;
    }
  }
  if (match.currency !== undefined && match.currency !== facts.currency) return false;
  if (match.email_contains !== undefined && !(facts.email ?? '').includes(match.email_contains)) return false;
  if (match.reference_prefix !== undefined && !(facts.reference ?? '').startsWith(match.reference_prefix)) return false;
  if (match.session_token !== undefined && match.session_token !== facts.sessionToken) return false;
  if (match.customer_token !== undefined && match.customer_token !== facts.customerToken) return false;
  return true;
}
