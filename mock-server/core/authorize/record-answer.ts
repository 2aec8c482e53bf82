import type { IssuedToken } from '../idempotency.js';
import { keepPurchaseData } from '../payment-requests/kept-purchase-data.js';
import type { Store } from '../store/store.js';
import { newTransactionRecord } from '../transactions/transaction-record.js';
import type { AuthorizeDeps } from './authorize-deps.js';
import type { CheckedRequest } from './checked-request.js';
import type { Decision } from './decide.js';
import type { RenderedAnswer } from './rendered-answer.js';

/**
 * Keeps a processed answer: stored under its key and the session token it binds (for replays), the token marked
 * used by a final authorization, and an approval's transaction created (and announced).
 */
export function recordAnswer(
  request: CheckedRequest,
  decision: Decision,
  answer: RenderedAnswer,
  deps: Pick<AuthorizeDeps, 'store' | 'transactions' | 'config'>,
): void {
  const { account, body, token, tokens, now } = request;
  // One session token, one transaction: a final authorization binds its token, and so does an approval that merely
  // carried a token as context. A step-up does not: the token is then only context for the journey.
  const bindsToken = token !== undefined && (tokens.final || decision.result === 'APPROVED');
  deps.store.record(
    account,
    { key: request.key, token: bindsToken ? token : undefined },
    {
      status: 200,
      body: answer.serialized,
      result: decision.result,
      fingerprint: request.fingerprint,
      rawHash: request.rawBodyHash,
      tokens: request.sentTokens,
      createdAt: now,
      amount: body.request_payment_transaction?.amount,
      currency: body.currency,
      finalAuthorization: tokens.final,
    },
  );
  if (token !== undefined && tokens.final) markUsed(deps.store, account, token, request.issued, now);
  const transaction = answer.response.payment_transaction_response?.payment_transaction;
  if (transaction !== undefined) {
    deps.transactions.created(
      newTransactionRecord({
        account,
        transaction,
        now,
        expiresAt: now + deps.config.transactionTtlMs,
        purchaseData: keepPurchaseData(body.supplementary_purchase_data),
      }),
    );
  }
}

/**
 * An issued token that has answered a final authorization: its payment request can no longer be canceled. Kept on
 * the issued token, which lives as long as the payment request, rather than read from the bounded answer store.
 */
function markUsed(store: Store, account: string, token: string, issued: IssuedToken | undefined, now: number): void {
  if (issued !== undefined && issued.usedAt === undefined)
    store.issueSessionToken(account, token, { ...issued, usedAt: now });
}
