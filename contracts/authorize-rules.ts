// Rules across fields of the authorize request. They run on the raw body, beside the schema, so that a request
// breaking both a field bound and a cross-field rule hears about both (zod skips refinements of invalid objects).

import type { ValidationError } from './klarna-error.js';

export type RuleIssue = ValidationError;

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Klarna: "Configuration determines available outcomes" (S16); one of the two requests must be present. */
export function missingRequestIssue(body: unknown): RuleIssue | undefined {
  if (!isObject(body)) return undefined;
  if (body.request_payment_transaction === undefined && body.request_customer_token === undefined) {
    return {
      parameter: 'request_payment_transaction',
      reason: 'request_payment_transaction or request_customer_token is required',
    };
  }
  return undefined;
}

/** "The total sum of the line items must match the payment amount" (Web SDK LineItem, reference §2.5). */
export function lineItemSumIssue(body: unknown): RuleIssue | undefined {
  if (!isObject(body)) return undefined;
  const transaction = body.request_payment_transaction;
  if (!isObject(transaction)) return undefined;
  return lineItemsAgainst(transaction.amount, body.supplementary_purchase_data, 'request_payment_transaction.amount');
}

/**
 * The line-item sum rule for any amount: `amountName` is how the amount is named in the reason. Nothing to say when
 * either side is missing or not a whole number (the schema reports those).
 */
export function lineItemsAgainst(amount: unknown, purchase: unknown, amountName: string): RuleIssue | undefined {
  if (!isObject(purchase) || !Array.isArray(purchase.line_items)) return undefined;
  if (!Number.isSafeInteger(amount)) return undefined;
  let sum = 0;
  for (const item of purchase.line_items) {
    if (!isObject(item) || !Number.isSafeInteger(item.total_amount)) return undefined;
    sum += item.total_amount as number;
  }
  if (purchase.line_items.length === 0 || sum === amount) return undefined;
  return {
    parameter: 'supplementary_purchase_data.line_items',
    reason: `the sum of line_items[].total_amount (${sum}) must equal ${amountName} (${amount})`,
  };
}

/**
 * A HANDOVER sends the customer away to Klarna; Klarna needs to know where to send them back
 * (docs/simulator-choices.md#handover-return-url). Reads `customer_interaction_config` at the top of the body
 * (createPaymentRequest) or inside `container` (`step_up_config` of authorize).
 */
export function handoverReturnUrlIssue(body: unknown, container?: 'step_up_config'): RuleIssue | undefined {
  const holder = container === undefined ? body : isObject(body) ? body[container] : undefined;
  if (!isObject(holder) || !isObject(holder.customer_interaction_config)) return undefined;
  const config = holder.customer_interaction_config;
  if (config.method !== 'HANDOVER' || config.return_url !== undefined) return undefined;
  const prefix = container === undefined ? '' : `${container}.`;
  return {
    parameter: `${prefix}customer_interaction_config.return_url`,
    reason: 'customer interaction method HANDOVER must define return URLs: return_url is required',
  };
}

/**
 * Tokenization needs the purchase it is for (S22, S23): `supplementary_purchase_data.subscriptions` for a
 * `payment:customer_not_present` token, `supplementary_purchase_data.ondemand_service` for `payment:customer_present`.
 */
export function tokenizationDataIssues(body: unknown): RuleIssue[] {
  if (!isObject(body) || !isObject(body.request_customer_token)) return [];
  const scopes = body.request_customer_token.scopes;
  if (!Array.isArray(scopes)) return [];
  const purchase = isObject(body.supplementary_purchase_data) ? body.supplementary_purchase_data : {};
  const issues: RuleIssue[] = [];
  const subscriptions = purchase.subscriptions;
  if (scopes.includes('payment:customer_not_present') && !(Array.isArray(subscriptions) && subscriptions.length > 0)) {
    issues.push({
      parameter: 'supplementary_purchase_data.subscriptions',
      reason: 'required when request_customer_token.scopes includes payment:customer_not_present',
    });
  }
  if (scopes.includes('payment:customer_present') && purchase.ondemand_service === undefined) {
    issues.push({
      parameter: 'supplementary_purchase_data.ondemand_service',
      reason: 'required when request_customer_token.scopes includes payment:customer_present',
    });
  }
  return issues;
}

/** A customer token is for a customer who is present or for one who is not: Klarna refuses a token asking for both. */
export function tokenScopesIssue(body: unknown): RuleIssue | undefined {
  if (!isObject(body) || !isObject(body.request_customer_token)) return undefined;
  const scopes = body.request_customer_token.scopes;
  if (!Array.isArray(scopes)) return undefined;
  if (!scopes.includes('payment:customer_present') || !scopes.includes('payment:customer_not_present'))
    return undefined;
  return {
    parameter: 'request_customer_token.scopes',
    reason: 'a token is either payment:customer_present or payment:customer_not_present, not both',
  };
}

/** Klarna-Payment-Token is another name of the session token: two different tokens leave the request ambiguous. */
export function tokenAliasIssue(headers: unknown): RuleIssue | undefined {
  if (!isObject(headers)) return undefined;
  const session = headers['klarna-network-session-token'];
  const payment = headers['klarna-payment-token'];
  if (session === undefined || payment === undefined || session === payment) return undefined;
  return {
    parameter: 'Klarna-Payment-Token',
    reason: 'differs from Klarna-Network-Session-Token; send the session token under one of the two names',
  };
}
